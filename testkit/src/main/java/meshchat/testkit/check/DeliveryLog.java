package meshchat.testkit.check;

import java.util.AbstractList;
import java.util.Arrays;
import meshchat.peer.message.ChatMessage;

/**
 * A delivery log kept in columns: a time, a message reference and three flags per delivery, about
 * 13 bytes, where a list of {@link Delivered} records costs about 40. A run of 1,000 peers makes
 * millions of deliveries and the checker reads them only at the end, so each {@link Delivered} is
 * made again when asked for. Append-only.
 */
public final class DeliveryLog extends AbstractList<Delivered> {
  private static final byte LATE = 1;
  private static final byte CATCH_UP = 2;
  private static final byte INCOMPLETE = 4;

  private long[] times = new long[8];
  private ChatMessage[] messages = new ChatMessage[8];
  private byte[] flags = new byte[8];
  private int size;

  @Override
  public boolean add(Delivered d) {
    if (size == times.length) {
      int capacity = size + (size >> 1);
      times = Arrays.copyOf(times, capacity);
      messages = Arrays.copyOf(messages, capacity);
      flags = Arrays.copyOf(flags, capacity);
    }
    times[size] = d.timeMs();
    messages[size] = d.message();
    flags[size] =
        (byte)
            ((d.late() ? LATE : 0)
                | (d.catchUp() ? CATCH_UP : 0)
                | (d.incomplete() ? INCOMPLETE : 0));
    size++;
    modCount++;
    return true;
  }

  @Override
  public Delivered get(int i) {
    if (i < 0 || i >= size) {
      throw new IndexOutOfBoundsException(i);
    }
    byte f = flags[i];
    return new Delivered(
        times[i], messages[i], (f & LATE) != 0, (f & CATCH_UP) != 0, (f & INCOMPLETE) != 0);
  }

  @Override
  public int size() {
    return size;
  }
}
