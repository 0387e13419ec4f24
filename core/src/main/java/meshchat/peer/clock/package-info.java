/**
 * Step ⑤ of the flow: Lamport time (Lamport 1978). {@link meshchat.peer.clock.LamportClock} stamps
 * sends and receives; {@link meshchat.peer.clock.LamportTimestamp} is the canonical total order
 * (lamport, origin). See docs/ordering.md.
 */
package meshchat.peer.clock;
