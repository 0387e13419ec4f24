package meshchat.peer.sync;

import java.util.Arrays;
import java.util.Objects;

/**
 * A fixed-length array of {@code int}s, 0 until set, kept in a {@code char} each (2 bytes) while
 * every value ever set is in 0..65535, and in an {@code int} array for good from the first value
 * that is not. For per-author arrays whose values are author indexes or places in a per-author log:
 * below 65,536 in every room a simulation runs, and a 10,000-peer room's peers keep 10^8 of them,
 * where 2 bytes fewer each is 200 MB. A wider value costs one copy to an {@code int} array, then
 * nothing more. Not thread-safe.
 */
public final class WideningInts {
  /** The largest value kept in a {@code char}. */
  static final int NARROW_MAX = Character.MAX_VALUE;

  private char[] narrow; // null once wide
  private int[] wide; // null while narrow

  /** An array of {@code length} zeros. */
  public WideningInts(int length) {
    narrow = new char[length];
  }

  /** How many values it holds: indexes 0..length-1. */
  public int length() {
    return wide != null ? wide.length : narrow.length;
  }

  /** The value at {@code index}, 0..length-1. */
  public int get(int index) {
    return wide != null ? wide[index] : narrow[index];
  }

  /** Sets the value at {@code index}, 0..length-1: any {@code int}. */
  public void set(int index, int value) {
    if (wide != null) {
      wide[index] = value;
    } else if ((value & ~NARROW_MAX) == 0) {
      narrow[index] = (char) value;
    } else {
      Objects.checkIndex(index, narrow.length); // a refused index widens nothing
      int[] w = new int[narrow.length];
      for (int i = 0; i < w.length; i++) {
        w[i] = narrow[i];
      }
      wide = w;
      narrow = null;
      wide[index] = value;
    }
  }

  /** Grows (or shrinks) to {@code length}, keeping the values below it; new ones are 0. */
  public void resize(int length) {
    if (wide != null) {
      wide = Arrays.copyOf(wide, length);
    } else {
      narrow = Arrays.copyOf(narrow, length);
    }
  }

  /** Whether a value above 65,535 or below 0 was ever set, so each takes an {@code int}. */
  boolean isWide() {
    return wide != null;
  }
}
