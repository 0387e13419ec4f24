/**
 * Step ⑤ of the flow: Lamport time (Lamport 1978). {@link LamportClock} stamps sends and receives.
 * The stamps' canonical total order, (lamport, origin), is {@code LamportTimestamp} in the message
 * package, beside the messages it orders, so that this package depends on nothing. See
 * docs/ordering.md.
 */
package meshchat.peer.clock;
