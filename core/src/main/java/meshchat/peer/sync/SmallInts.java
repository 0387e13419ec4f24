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
  private static final byte[] NONE = new byte[0];
  private static final int OTHER = 0xFF; // the value is in others

  /** The largest low 31 bits kept in the byte. */
  static final int IN_BYTE_UP_TO = 126;

  private byte[] codes = NONE; // by index: the low 7 bits and the sign bit, or OTHER
  private int[] others; // by index, made on first use

  /** The value at {@code index} (0 or more); 0 if never set. */
  public int get(int index) {
    if (index >= codes.length) {
      return 0;
    }
    int c = codes[index] & 0xFF;
    return c == OTHER ? others[index] : (c & 0x7F) | (c & 0x80) << 24;
  }

  /** Sets the value at {@code index} (0 or more), growing as needed. */
  public void set(int index, int value) {
    if (index >= codes.length) {
      if (value == 0) {
        return;
      }
      codes = Arrays.copyOf(codes, AuthorIndex.grownLength(codes.length, index));
    }
    if ((value & Integer.MAX_VALUE) <= IN_BYTE_UP_TO) {
      codes[index] = (byte) (value & 0x7F | value >>> 24 & 0x80);
      return;
    }
    if (others == null) {
      others = new int[codes.length];
    } else if (index >= others.length) {
      others = Arrays.copyOf(others, codes.length);
    }
    others[index] = value;
    codes[index] = (byte) OTHER;
  }
}
