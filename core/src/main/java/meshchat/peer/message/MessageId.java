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

  /**
   * The id ({@code origin}, {@code seq}): an equal instance seen lately if there is one (as a
   * {@link ChatMessage} keeps), else a new one; refused as the constructor refuses.
   */
  public static MessageId of(PeerId origin, long seq) {
    return SharedValues.id(origin, seq);
  }

  /** The author's previous message, or null for the first. */
  public MessageId previous() {
    return seq == 1 ? null : new MessageId(origin, seq - 1);
  }

  // written out: a record's generated equals and hashCode go through method handles (ObjectMethods)
  // and Objects.hashCode, and ids are compared and hashed per message in the rings and maps of the
  // receive path; the hash is the generated one's value (31 * origin + seq), so no order changes

  @Override
  public boolean equals(Object o) {
    return o == this || (o instanceof MessageId m && seq == m.seq && origin.equals(m.origin));
  }

  @Override
  public int hashCode() {
    return 31 * origin.hashCode() + Long.hashCode(seq);
  }

  /** {@code ORIGINHEX:SEQ}, the form the JSON output uses. */
  @Override
  public String toString() {
    return origin.hex() + ":" + seq;
  }
}
