package meshchat.peer.message;

import meshchat.peer.limit.WireBounds;

/** A message's identity: its author and the author's sequence number, counted from 1. */
public record MessageId(PeerId origin, long seq) {
  public MessageId {
    if (origin == null) {
      throw new IllegalArgumentException("origin is required");
    }
    WireBounds.within("seq", seq, 1, WireBounds.MAX_SEQ);
  }

  /** The author's previous message, or null for the first. */
  public MessageId previous() {
    return seq == 1 ? null : new MessageId(origin, seq - 1);
  }

  /** {@code ORIGINHEX:SEQ}, the form the JSON output uses. */
  @Override
  public String toString() {
    return origin.hex() + ":" + seq;
  }
}
