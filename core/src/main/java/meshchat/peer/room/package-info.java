/**
 * The core that ties the flow together: {@link meshchat.peer.room.Room}, a network-free, one-thread
 * state machine. Events come in as calls; effects leave through {@link
 * meshchat.peer.room.RoomEffects}; time through {@link meshchat.peer.room.Scheduler}. The runtime
 * and the simulation drive the same class. See docs/architecture.md.
 */
package meshchat.peer.room;
