/**
 * The runtime that ties ①–⑦ together on real sockets: {@link meshchat.peer.runtime.PeerNode} runs
 * one {@link meshchat.peer.room.Room} on one single-threaded event loop, links through {@code
 * link.netty}, discovers through {@code discovery}, and reports to a {@link
 * meshchat.peer.runtime.PeerListener} (the display, a test or a benchmark).
 */
package meshchat.peer.runtime;
