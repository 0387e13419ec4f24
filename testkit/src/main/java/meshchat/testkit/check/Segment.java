package meshchat.testkit.check;

import java.util.List;
import java.util.Set;
import meshchat.peer.message.MessageId;

/**
 * The deliveries of one store lifetime of one peer. A crash that keeps the store continues the
 * lifetime; the messages the store held at the restart are listed in {@code restored} (they count
 * as shown: the core does not show them again). Wiping the store starts a new segment.
 */
public record Segment(long startMs, Set<MessageId> restored, List<Delivered> deliveries) {}
