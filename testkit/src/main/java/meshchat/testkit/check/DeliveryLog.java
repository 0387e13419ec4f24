package meshchat.testkit.check;

import java.util.AbstractList;
import java.util.Arrays;
import meshchat.peer.message.ChatMessage;

/**
 * A delivery log kept in columns: per delivery one int for its time and three flags, and a message
 * reference, 8 bytes with compressed references, where a list of {@link Delivered} records costs
 * about 40. A run of 10,000 peers makes 10^8 deliveries and the checker reads them only at the end,
 * so each {@link Delivered} is made again when asked for. Times are milliseconds since the run
 * began, below 2^28 (three days). Append-only.
 */
public final class DeliveryLog extends AbstractList<Delivered> {
  private static final int LATE = 1;
  private static final int CATCH_UP = 2;
  private static final int INCOMPLETE = 4;
  private static final int FLAG_BITS = 3;

  /** The latest time a log can hold, in milliseconds. */
  public static final long MAX_TIME_MS = (1L << (Integer.SIZE - 1 - FLAG_BITS)) - 1;

  private int[] stamps = new int[8]; // time << FLAG_BITS | flags
  private ChatMessage[] messages = new ChatMessage[8];
  private int size;

  @Override
  public boolean add(Delivered d) {
    if (d.timeMs() < 0 || d.timeMs() > MAX_TIME_MS) {
      throw new IllegalArgumentException("a delivery time of 0.." + MAX_TIME_MS + " ms: " + d);
    }
    if (size == stamps.length) {
      int capacity = size + (size >> 1);
      stamps = Arrays.copyOf(stamps, capacity);
      messages = Arrays.copyOf(messages, capacity);
    }
    stamps[size] =
        (int) d.timeMs() << FLAG_BITS
            | (d.late() ? LATE : 0)
            | (d.catchUp() ? CATCH_UP : 0)
            | (d.incomplete() ? INCOMPLETE : 0);
    messages[size] = d.message();
    size++;
    modCount++;
    return true;
  }

  @Override
  public Delivered get(int i) {
    if (i < 0 || i >= size) {
      throw new IndexOutOfBoundsException(i);
    }
    int s = stamps[i];
    return new Delivered(
        s >>> FLAG_BITS, messages[i], (s & LATE) != 0, (s & CATCH_UP) != 0, (s & INCOMPLETE) != 0);
  }

  @Override
  public int size() {
    return size;
  }
}
