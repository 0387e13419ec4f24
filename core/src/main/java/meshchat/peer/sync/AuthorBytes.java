package meshchat.peer.sync;

import java.util.Arrays;

/**
 * A few bytes per author index side by side, one lane each, in one array: a peer's byte-sized
 * per-author state (its holdings' set code, its causal buffer's delivered prefix, its broadcast
 * tree's parent link and pruned links) in one place, so that a message's handling reads one line
 * for its author where it read one in each part's own array. A simulated peer's state is cold when
 * its turn comes, and each array by author index read for a message cost a cache miss of its own
 * (docs/simulation.md, session 24). The same bytes per author as the parts' arrays took apart. Not
 * thread-safe.
 */
public final class AuthorBytes {
  private static final byte[] NONE = new byte[0];

  private final int lanes;
  private byte[] bytes = NONE; // author index a's lane l at a * lanes + l
  private int size; // authors with room: bytes.length / lanes

  /** Bytes for {@code lanes} parts per author (1..8). */
  public AuthorBytes(int lanes) {
    if (lanes < 1 || lanes > 8) {
      throw new IllegalArgumentException("1..8 lanes: " + lanes);
    }
    this.lanes = lanes;
  }

  /** {@code lane} if it is one of these bytes' lanes, else an IllegalArgumentException. */
  public int lane(int lane) {
    if (lane < 0 || lane >= lanes) {
      throw new IllegalArgumentException("lane " + lane + " of " + lanes);
    }
    return lane;
  }

  /** How many lanes each author has. */
  public int lanes() {
    return lanes;
  }

  /** How many authors have room (indexes 0..size-1): a lane of any other reads 0. */
  public int size() {
    return size;
  }

  /** Lane {@code lane} of author {@code index} (0 or more), 0..255; 0 past {@link #size}. */
  public int get(int index, int lane) {
    return index < size ? bytes[index * lanes + checked(lane)] & 0xFF : 0;
  }

  /** Sets lane {@code lane} of author {@code index} (0 or more) to {@code value}'s low byte. */
  public void set(int index, int lane, int value) {
    ensure(index);
    bytes[index * lanes + checked(lane)] = (byte) value;
  }

  /** Makes room for author {@code index} (0 or more), growing by half again, not twice. */
  public void ensure(int index) {
    if (index < 0) {
      throw new IndexOutOfBoundsException("an author index: " + index);
    }
    if (index >= size) {
      int n = AuthorIndex.grownLength(size, index);
      if ((long) n * lanes > Integer.MAX_VALUE - 8) {
        throw new IllegalStateException("too many authors: " + n);
      }
      bytes = Arrays.copyOf(bytes, n * lanes);
      size = n;
    }
  }

  private int checked(int lane) {
    if (lane < 0 || lane >= lanes) {
      throw new IndexOutOfBoundsException("lane " + lane + " of " + lanes);
    }
    return lane;
  }
}
