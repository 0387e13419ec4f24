/**
 * The simulated network (step ① discovery and ② link, replaced): links between real {@link
 * meshchat.peer.room.Room} instances carrying {@link meshchat.peer.message.LinkMessage} records
 * after a seeded delay, with faults injected by the network, never by hooks in the core. A simple
 * membership service stands in for the tracker.
 */
package meshchat.testkit.net;
