package meshchat.peer.runtime;

import java.util.List;

/**
 * What a peer holds at one moment, read in one hop to its room thread (for /metrics).
 *
 * @param links the links up now, with round trip, lag and catch-up progress
 * @param heldBack messages received but held back until their causal predecessors arrive
 * @param stored messages in the store
 * @param known peers in the address book (dial candidates, unproven hints included)
 */
public record NodeGauges(
    List<LinkInfo> links, int heldBack, long stored, int known, long trackerFramesNotSent) {}
