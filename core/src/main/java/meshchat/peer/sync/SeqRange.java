package meshchat.peer.sync;

/** The sequence numbers {@code first..last}, inclusive. */
public record SeqRange(long first, long last) {
  public SeqRange {
    if (first < 1 || last < first) {
      throw new IllegalArgumentException("bad range " + first + ".." + last);
    }
  }

  public long size() {
    return last - first + 1;
  }
}
