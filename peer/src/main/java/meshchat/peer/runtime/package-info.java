/**
 * The runtime that ties ①–⑦ together on real sockets: {@link meshchat.peer.runtime.PeerNode} is the
 * API over one {@link meshchat.peer.room.Room} and its membership on one {@link
 * meshchat.peer.runtime.RoomThread}; {@link meshchat.peer.runtime.RoomInbox} hands link events to
 * that thread, {@link meshchat.peer.runtime.NodeEffects} and {@link
 * meshchat.peer.runtime.NodeLinks} carry the room's and membership's effects to Netty links, {@link
 * meshchat.peer.runtime.TrackerReports} the tracker sessions' reports to membership. A {@link
 * meshchat.peer.runtime.PeerListener} (the display, a test or a benchmark) hears what happens and
 * reads the peer through a {@link meshchat.peer.runtime.PeerView}. {@code app/NodeAssembly} wires
 * them.
 */
package meshchat.peer.runtime;
