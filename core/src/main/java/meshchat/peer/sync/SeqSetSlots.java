package meshchat.peer.sync;

import java.util.Arrays;

/**
 * A {@link SeqSet} (or null) per author index, in a byte each when it is the shared instance of
 * {@code 1..n} ({@link SeqSet#plus}) with n up to 254, as nearly every set a big room's peer keeps
 * is (an author's whole history, short): a reference array cost 4 to 6 bytes per author, and a
 * 10,000-peer room's peers keep 10^8 of them, twice (a room's holdings, anti-entropy's digest
 * snapshots). Any other set is kept in an array of references made when the first one comes (a
 * restart's gapped holdings, an author past 254 messages), so such a room pays a byte more per
 * author than before, not a lookup. {@link #get} returns the very instance {@link #set} was given.
 * Not thread-safe.
 */
public final class SeqSetSlots {
  private static final int OTHER = 255; // the set is in others

  /** The largest n whose shared {@code 1..n} is kept in the byte. */
  static final int IN_BYTE_UP_TO = OTHER - 1;

  // by index: 0 null, 1..254 the shared 1..n, 255 in others
  private final AuthorBytes codes;
  private final int lane;
  private SeqSet[] others; // by index, made on first use

  /** Slots of their own. */
  public SeqSetSlots() {
    this(new AuthorBytes(1), 0);
  }

  /**
   * Slots whose bytes are lane {@code lane} of {@code codes}, beside other parts' per-author bytes
   * (a room's holdings: see {@link AuthorBytes}).
   */
  public SeqSetSlots(AuthorBytes codes, int lane) {
    this.codes = codes;
    this.lane = codes.lane(lane);
  }

  /** The set at {@code index} (0 or more), or null for none. */
  public SeqSet get(int index) {
    int c = codes.get(index, lane);
    return c == 0 ? null : c != OTHER ? SeqSet.sharedUpTo(c) : others[index];
  }

  /** Puts {@code set} (null: none) at {@code index} (0 or more), growing as needed. */
  public void set(int index, SeqSet set) {
    if (index >= codes.size() && set == null) {
      return;
    }
    int n = set == null ? 0 : set.sharedLast();
    if (set == null || (n > 0 && n <= IN_BYTE_UP_TO)) {
      if (codes.get(index, lane) == OTHER) {
        others[index] = null;
      }
      codes.set(index, lane, n);
      return;
    }
    codes.ensure(index);
    if (others == null) {
      others = new SeqSet[codes.size()];
    } else if (index >= others.length) {
      others = Arrays.copyOf(others, codes.size());
    }
    others[index] = set;
    codes.set(index, lane, OTHER);
  }
}
