package meshchat.peer.sync;

import java.util.Arrays;

/**
 * An {@code int} per author index, 0 until set, in a byte each when its low 31 bits are at most 126
 * (the sign bit is kept in the byte's top bit): the causal buffer's delivered prefix per author
 * (its end, and a flag in the sign bit), which for nearly every author of a big room is 0 or a few
 * messages. An {@code int} array cost 4 to 6 bytes per author, and a 10,000-peer room's peers keep
 * 10^8 of them. Any other value is kept in an {@code int} array made when the first one comes, so
 * such a room pays a byte more per author than before, not a lookup. Not thread-safe.
 */
public final class SmallInts {
  private static final int OTHER = 0xFF; // the value is in others

  /** The largest low 31 bits kept in the byte. */
  static final int IN_BYTE_UP_TO = 126;

  // by index: the low 7 bits and the sign bit, or OTHER
  private final AuthorBytes codes;
  private final int lane;
  private int[] others; // by index, made on first use

  /** Values of their own. */
  public SmallInts() {
    this(new AuthorBytes(1), 0);
  }

  /**
   * Values whose bytes are lane {@code lane} of {@code codes}, beside other parts' per-author bytes
   * (a room's causal buffer's prefix: see {@link AuthorBytes}).
   */
  public SmallInts(AuthorBytes codes, int lane) {
    this.codes = codes;
    this.lane = codes.lane(lane);
  }

  /** The value at {@code index} (0 or more); 0 if never set. */
  public int get(int index) {
    int c = codes.get(index, lane);
    return c == OTHER ? others[index] : (c & 0x7F) | (c & 0x80) << 24;
  }

  /** Sets the value at {@code index} (0 or more), growing as needed. */
  public void set(int index, int value) {
    if (index >= codes.size() && value == 0) {
      return;
    }
    if ((value & Integer.MAX_VALUE) <= IN_BYTE_UP_TO) {
      codes.set(index, lane, value & 0x7F | value >>> 24 & 0x80);
      return;
    }
    codes.ensure(index);
    if (others == null) {
      others = new int[codes.size()];
    } else if (index >= others.length) {
      others = Arrays.copyOf(others, codes.size());
    }
    others[index] = value;
    codes.set(index, lane, OTHER);
  }
}
