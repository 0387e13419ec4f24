/**
 * Virtual time for the simulation: one event queue shared by every simulated peer, a per-peer
 * {@link meshchat.peer.room.Scheduler} on top of it, and skewed wall clocks. Nothing here has a
 * thread; the queue runs tasks one at a time, so a run is a pure function of its seed.
 */
package meshchat.testkit.time;
