/**
 * Simulated peers (step ① discovery and ② link, replaced): {@link meshchat.testkit.net.SimPeer}
 * wires a real {@link meshchat.peer.room.Room} and the real membership to the shared simulated
 * network ({@code meshchat.fixture.net}), with faults injected by the network, never by hooks in
 * the core. A simple membership service stands in for the tracker.
 */
package meshchat.testkit.net;
