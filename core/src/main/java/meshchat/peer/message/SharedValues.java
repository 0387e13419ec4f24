package meshchat.peer.message;

import java.util.Arrays;
import java.util.List;

/**
 * The nicks and keys seen lately, by content: a message or head keeps the one instance its author's
 * nick or key already has, so a peer's stored history holds one copy per author instead of one per
 * message or head. Every object a store keeps is copied by the young collections of a busy peer,
 * and their pauses are what decide its latency tail (docs/benchmarks.md, session 15).
 *
 * <p>Like {@link PeerId}'s recent ids: a slot is overwritten by the next value that hashes to it,
 * and a racy read is safe (a {@code String} is immutable; an array slot only ever holds an array no
 * one writes after it is put there) and at worst misses, which only costs the copy it saves.
 */
final class SharedValues {
  private static final int SLOTS = 1024;
  private static final int SHIFT = 32 - Integer.numberOfTrailingZeros(SLOTS);
  private static final String[] NICKS = new String[SLOTS];
  private static final byte[][] KEYS = new byte[SLOTS][];
  private static final MessageId[] IDS = new MessageId[SLOTS];

  private SharedValues() {}

  /** {@code nick}, or an equal instance seen lately. */
  static String nick(String nick) {
    return shared(NICKS, nick);
  }

  /** {@code id}, or an equal instance seen lately. */
  static MessageId id(MessageId id) {
    return shared(IDS, id);
  }

  private static <T> T shared(T[] recent, T value) {
    int slot = (value.hashCode() * 0x9E3779B9) >>> SHIFT;
    T seen = recent[slot];
    if (seen != null && seen.equals(value)) {
      return seen;
    }
    recent[slot] = value;
    return value;
  }

  /** An unmodifiable copy of {@code deps} holding the instances {@link #id} gives. */
  static List<MessageId> ids(List<MessageId> deps) {
    MessageId[] out = null;
    for (int i = 0, n = deps.size(); i < n; i++) {
      MessageId d = deps.get(i);
      MessageId s = id(d);
      if (s != d) {
        if (out == null) {
          out = deps.toArray(new MessageId[0]);
        }
        out[i] = s;
      }
    }
    return out == null ? List.copyOf(deps) : List.of(out);
  }

  /**
   * An array equal to {@code key} that no one writes: an equal one seen lately, else a copy of
   * {@code key} (which the caller may go on writing).
   */
  static byte[] key(byte[] key) {
    int slot = (Arrays.hashCode(key) * 0x9E3779B9) >>> SHIFT;
    byte[] seen = KEYS[slot];
    if (seen != null && Arrays.equals(seen, key)) {
      return seen;
    }
    byte[] copy = key.clone();
    KEYS[slot] = copy;
    return copy;
  }
}
