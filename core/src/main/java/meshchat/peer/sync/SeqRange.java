package meshchat.peer.sync;

import meshchat.peer.limit.WireBounds;

/** The sequence numbers {@code first..last}, inclusive, within 1..{@link WireBounds#MAX_SEQ}. */
public record SeqRange(long first, long last) {
  public SeqRange {
    if (first < 1 || last < first || last > WireBounds.MAX_SEQ) {
      throw new IllegalArgumentException("bad range " + first + ".." + last);
    }
  }

  public long size() {
    return last - first + 1;
  }
}
