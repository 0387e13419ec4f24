package meshchat.peer.message;

/** A message's identity: its author and the author's sequence number, counted from 1. */
public record MessageId(PeerId origin, long seq) {
  public MessageId {
    if (origin == null) {
      throw new IllegalArgumentException("origin is required");
    }
    if (seq < 1) {
      throw new IllegalArgumentException("seq must be >= 1: " + seq);
    }
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
