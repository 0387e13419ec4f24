/**
 * Step: the whole flow (discovery → link → frame → message → clock → store → display) over real
 * sockets. Real {@code PeerNode}s on loopback in one JVM, each behind a TCP proxy that injects
 * faults (delay, cut, partition) from outside the product, and an in-process tracker.
 */
package meshchat.testkit.netty;
