package meshchat.peer.message;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.RandomAccess;

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

  /**
   * {@code id}, or an equal instance seen lately. One author's ids take consecutive slots (the
   * origin's hash picks where its run starts, the seq steps through it): a table slot is written
   * for nearly every message decoded or authored, and with slots picked by a hash of the whole id
   * each write landed on a line of its own, which the other room thread had most likely written
   * last (a bench's five peers on two threads): that store was 3-6 % of the throughput cell's room
   * threads (docs/benchmarks.md, sessions 27 and 29). In runs, sixteen ids share a cache line, and
   * an author's last {@value #SLOTS} ids are all found as long as no other author's run crosses
   * them (a stranger's ids can only make it miss, which costs the copy it saves).
   */
  static MessageId id(MessageId id) {
    int slot = (int) ((id.origin().hashCode() * 0x9E3779B9 >>> SHIFT) + id.seq()) & (SLOTS - 1);
    MessageId seen = IDS[slot];
    if (seen != null && seen.equals(id)) {
      return seen;
    }
    IDS[slot] = id;
    return id;
  }

  /**
   * As {@link #id(MessageId)} for the id ({@code origin}, {@code seq}), made only if no equal one
   * is in the table: a frame's dependencies nearly always name ids seen lately, and an id made per
   * dependency only to be dropped for the shared one was 3 % of the bytes a delivery allocated in
   * the throughput cell (docs/benchmarks.md, session 35).
   */
  static MessageId id(PeerId origin, long seq) {
    if (origin == null) {
      return new MessageId(origin, seq); // refused there, as before
    }
    int slot = (int) ((origin.hashCode() * 0x9E3779B9 >>> SHIFT) + seq) & (SLOTS - 1);
    MessageId seen = IDS[slot];
    if (seen != null && seen.seq() == seq && seen.origin().equals(origin)) {
      return seen;
    }
    MessageId id = new MessageId(origin, seq);
    IDS[slot] = id;
    return id;
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

  /**
   * An unmodifiable copy of {@code deps} holding the instances {@link #id} gave, or {@code deps}
   * itself if it is such a copy already: a message made again from another ({@link
   * ChatMessage#chained}, once per live message on the receive path) shared each dependency a
   * second time, a probe of this table per dependency (docs/benchmarks.md, session 23).
   */
  static List<MessageId> ids(List<MessageId> deps) {
    if (deps instanceof Ids) {
      return deps;
    }
    if (deps.isEmpty()) {
      return Ids.NONE;
    }
    MessageId[] out; // a copy: the caller may go on writing deps
    if (deps instanceof RandomAccess) {
      // by a plain loop, not toArray(new MessageId[0]): that makes its array by reflection
      // (Array.newInstance), which without C2 (a peer runs on C1) is three calls into the VM, once
      // for every message a catch-up decodes or reads from its store (docs/benchmarks.md, session
      // 31)
      out = new MessageId[deps.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = id(deps.get(i)); // a null dependency fails here, as List.copyOf failed on it
      }
    } else {
      out = deps.toArray(new MessageId[0]);
      for (int i = 0; i < out.length; i++) {
        out[i] = id(out[i]);
      }
    }
    return new Ids(out);
  }

  /** What {@link #ids} makes: unmodifiable, no nulls, each id the shared instance when made. */
  private static final class Ids extends AbstractList<MessageId> implements RandomAccess {
    static final Ids NONE = new Ids(new MessageId[0]);

    private final MessageId[] ids;

    Ids(MessageId[] ids) {
      this.ids = ids;
    }

    @Override
    public MessageId get(int index) {
      return ids[index];
    }

    @Override
    public int size() {
      return ids.length;
    }
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
