/**
 * Step: the whole flow (discovery → link → frame → message → clock → store → display) over real
 * sockets: the scenario verbs ({@link meshchat.testkit.netty.NettyCluster}) over the shared
 * real-socket cluster ({@code meshchat.fixture.netty}), whose peers each sit behind a fault proxy.
 */
package meshchat.testkit.netty;
