package meshchat.testkit.check;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.sync.WideningInts;

/**
 * A delivery log kept in columns: per delivery a message's number and, in a byte stream, the time
 * since the delivery before and three flags as one varint (zigzag, so a time that goes back is kept
 * too): about 5 bytes per delivery with compressed references, where an int of time and flags
 * beside the reference cost 8 and a list of {@link Delivered} records about 40. A run of 10,000
 * peers makes 10^8 deliveries a few ms apart, and the checker reads them only at the end, in order,
 * so each {@link Delivered} is made again when asked for: an iterator, or {@link #get} in order (it
 * resumes where the last one stopped; out of order it decodes from the start). Times are
 * milliseconds since the run began, below 2^28 (three days). Append-only.
 *
 * <p>A message is kept as its number in the run's {@link Messages} (shared by every peer's logs),
 * in a {@code char} while the run has numbered at most 65,536 messages ({@link WideningInts}): 2
 * bytes per delivery, where a reference took 4 (10^8 deliveries at 10,000 peers: 200 MB).
 */
public final class DeliveryLog extends AbstractList<Delivered> {
  private static final int LATE = 1;
  private static final int CATCH_UP = 2;
  private static final int INCOMPLETE = 4;
  private static final int FLAG_BITS = 3;

  /** The latest time a log can hold, in milliseconds. */
  public static final long MAX_TIME_MS = (1L << (Integer.SIZE - 1 - FLAG_BITS)) - 1;

  private final Messages numbers;
  private final WideningInts messages = new WideningInts(8); // per delivery: its message's number
  private byte[] stamps = new byte[8]; // per delivery: zigzag(time - previous time) << 3 | flags
  private int size;
  private int bytes; // of stamps in use
  private long lastTime; // the last delivery's
  private final Cursor cursor = new Cursor(); // where the last get stopped

  /** A log whose messages are numbered by a table of its own. */
  public DeliveryLog() {
    this(new Messages());
  }

  /** A log whose messages are numbered by {@code numbers}, which other logs may share. */
  public DeliveryLog(Messages numbers) {
    this.numbers = numbers;
  }

  /**
   * Messages numbered 0, 1, 2... by instance, in the order first seen: what the delivery logs of a
   * run keep in place of a reference per delivery (a run delivers each message to every peer, the
   * same instance but for an equivocator's twins, which stay apart as they are other instances). An
   * open-addressing table by identity hash (linear probing, at most half full). Not thread-safe.
   */
  public static final class Messages {
    private static final int MAX = 1 << 29;
    private ChatMessage[] byNumber = new ChatMessage[16];
    private int[] table = new int[32]; // number + 1; 0: empty
    private int size;

    /** {@code m}'s number, numbering it if it has none. */
    int number(ChatMessage m) {
      int mask = table.length - 1;
      int i = home(m, mask);
      for (int v; (v = table[i]) != 0; i = (i + 1) & mask) {
        if (byNumber[v - 1] == m) {
          return v - 1;
        }
      }
      if (size == MAX) {
        throw new IllegalStateException("too many messages: " + size);
      }
      if (size == byNumber.length) {
        byNumber = Arrays.copyOf(byNumber, 2 * size);
      }
      byNumber[size] = m;
      size++;
      if (2 * size > table.length) {
        rehash(2 * table.length);
      } else {
        table[i] = size;
      }
      return size - 1;
    }

    /** The message numbered {@code n}. */
    ChatMessage message(int n) {
      return byNumber[n];
    }

    /** How many messages are numbered. */
    public int size() {
      return size;
    }

    private void rehash(int slots) {
      table = new int[slots];
      int mask = slots - 1;
      for (int n = 0; n < size; n++) {
        int i = home(byNumber[n], mask);
        while (table[i] != 0) {
          i = (i + 1) & mask;
        }
        table[i] = n + 1;
      }
    }

    private static int home(ChatMessage m, int mask) {
      // the scrambled hash's top bits (Fibonacci hashing, Knuth, TAOCP vol. 3, 6.4)
      return System.identityHashCode(m) * 0x9E3779B9 >>> Integer.numberOfLeadingZeros(mask);
    }
  }

  /** A place in the stamps: the next delivery's index, its first byte, the time before it. */
  private final class Cursor {
    int index;
    int at;
    long time;
    int flags;

    /** Decodes the delivery at {@code index}, moving on to the next. */
    Delivered next() {
      long v = 0;
      int shift = 0;
      byte b;
      do {
        b = stamps[at++];
        v |= (long) (b & 0x7F) << shift;
        shift += 7;
      } while (b < 0);
      int f = (int) (v & ((1 << FLAG_BITS) - 1));
      long z = v >>> FLAG_BITS;
      time += (z >>> 1) ^ -(z & 1);
      Delivered d =
          new Delivered(
              time,
              numbers.message(messages.get(index)),
              (f & LATE) != 0,
              (f & CATCH_UP) != 0,
              (f & INCOMPLETE) != 0);
      index++;
      return d;
    }
  }

  @Override
  public boolean add(Delivered d) {
    if (d.timeMs() < 0 || d.timeMs() > MAX_TIME_MS) {
      throw new IllegalArgumentException("a delivery time of 0.." + MAX_TIME_MS + " ms: " + d);
    }
    long delta = d.timeMs() - lastTime;
    long v =
        ((delta << 1) ^ (delta >> 63)) << FLAG_BITS
            | (d.late() ? LATE : 0)
            | (d.catchUp() ? CATCH_UP : 0)
            | (d.incomplete() ? INCOMPLETE : 0);
    int number = numbers.number(d.message());
    if (size == messages.length()) {
      messages.resize(size + (size >> 1));
    }
    if (bytes + 10 > stamps.length) {
      stamps = Arrays.copyOf(stamps, Math.max(bytes + 10, stamps.length + (stamps.length >> 1)));
    }
    while ((v & ~0x7FL) != 0) {
      stamps[bytes++] = (byte) (v & 0x7F | 0x80);
      v >>>= 7;
    }
    stamps[bytes++] = (byte) v;
    messages.set(size, number);
    lastTime = d.timeMs();
    size++;
    modCount++;
    return true;
  }

  @Override
  public Delivered get(int i) {
    if (i < 0 || i >= size) {
      throw new IndexOutOfBoundsException(i);
    }
    if (i < cursor.index) {
      cursor.index = 0;
      cursor.at = 0;
      cursor.time = 0;
    }
    while (cursor.index < i) {
      cursor.next();
    }
    return cursor.next();
  }

  @Override
  public Iterator<Delivered> iterator() {
    Cursor c = new Cursor();
    int expected = modCount;
    int n = size;
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return c.index < n;
      }

      @Override
      public Delivered next() {
        if (modCount != expected) {
          throw new ConcurrentModificationException();
        }
        if (c.index >= n) {
          throw new NoSuchElementException();
        }
        return c.next();
      }
    };
  }

  @Override
  public int size() {
    return size;
  }

  /** The table that numbers this log's messages (shared by the logs it was given to). */
  public Messages numbers() {
    return numbers;
  }

  /**
   * Delivery {@code i}'s message's number in {@link #numbers}: one number per message instance, so
   * a reader that asks something of each delivery's message can ask it once per number.
   */
  public int numberAt(int i) {
    Objects.checkIndex(i, size);
    return messages.get(i);
  }
}
