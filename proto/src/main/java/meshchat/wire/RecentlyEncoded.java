package meshchat.wire;

import io.netty.util.concurrent.FastThreadLocal;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * What the last few frames written on this thread were encoded to, found by the identity of the
 * frame: the room hands one immutable object to every link it writes to, so a thread that writes it
 * to several links encodes it once. A burst writes several frames to each link in turn (a message,
 * then its chain head), so one remembered frame would miss every time; a few catch the burst. Of
 * the values over {@link #MAX_BYTES} (history batches) only the last is kept, so that a thread
 * never holds on to more than one big frame.
 */
public final class RecentlyEncoded<K, V> {
  /** How many frames a thread remembers. */
  static final int SLOTS = 8;

  /** The largest encoding kept, in bytes (a value's size as {@code size} tells it). */
  static final int MAX_BYTES = 16 * 1024;

  private final ToIntFunction<? super V> size;
  private final FastThreadLocal<Slots> slots =
      new FastThreadLocal<>() {
        @Override
        protected Slots initialValue() {
          return new Slots();
        }
      };

  private static final class Slots {
    final Object[] keys = new Object[SLOTS];
    final Object[] values = new Object[SLOTS];
    int next; // the slot to replace next: the oldest
    Object bigKey; // the last value over MAX_BYTES: encoders ask twice in a row (size, bytes)
    Object bigValue;
  }

  /** {@code size}: how many bytes a value holds, so that large ones are not kept. */
  public RecentlyEncoded(ToIntFunction<? super V> size) {
    this.size = size;
  }

  /** The value remembered for this very {@code key} on this thread, or {@code encode}'s. */
  @SuppressWarnings("unchecked")
  public V get(K key, Function<? super K, ? extends V> encode) {
    Slots s = slots.get();
    for (int i = 0; i < SLOTS; i++) {
      if (s.keys[i] == key) {
        return (V) s.values[i];
      }
    }
    if (s.bigKey == key) {
      return (V) s.bigValue;
    }
    V value = encode.apply(key);
    if (size.applyAsInt(value) <= MAX_BYTES) {
      s.keys[s.next] = key;
      s.values[s.next] = value;
      s.next = (s.next + 1) % SLOTS;
    } else {
      s.bigKey = key;
      s.bigValue = value;
    }
    return value;
  }
}
