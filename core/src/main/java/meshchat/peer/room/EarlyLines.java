package meshchat.peer.room;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.peer.sync.SeqWindow;

/**
 * Lines shown before their author's signed head (docs/security.md, "Lines shown before their
 * head"): a live message read on its author's own link is authentic by that link alone, so it is
 * shown at once, but it is not stored, forwarded, served or listed in a digest until its head
 * arrives and the room takes it by the usual path. This keeps which lines were shown so, so that
 * the usual path does not show them again, and so that the user is told if their author never signs
 * them.
 *
 * <p>When the author's link goes down first (a reset, the join's tie-break between two links, a
 * close for a missing head), its lines wait {@link #GRACE_MS} more for a signed copy by any path
 * (the author's next link, a relay, a sync batch): one that comes is not shown again; those still
 * unsigned then are told to the user and forgotten.
 *
 * <p>A line shown early and then forgotten (told as never signed when its grace ended, or passed
 * over by the usual path when its head came) is still remembered as shown, the newest {@link
 * #MAX_FORGOTTEN} of them: a signed copy that comes later after all (a digest after the grace, a
 * sync batch after a refusal) is kept but not shown a second time (session 21: real-socket big
 * rooms showed such lines twice).
 *
 * <p>Bounded: at most {@link #MAX_PER_AUTHOR} lines per linked author, at most {@link
 * #MAX_ORPHANED} lines of authors whose link went down (past it, an author's are told at once), and
 * at most {@link #MAX_FORGOTTEN} forgotten lines. Room thread only.
 */
final class EarlyLines {
  /** Most lines of one author shown before a head: what an honest author sends between heads. */
  static final int MAX_PER_AUTHOR = Room.HEAD_EVERY_MESSAGES;

  /** How long lines whose author's link went down wait for a signed copy by another path. */
  static final long GRACE_MS = 2_000;

  /** Most lines waiting out {@link #GRACE_MS}, over every author (16 authors' worth). */
  static final int MAX_ORPHANED = 16 * MAX_PER_AUTHOR;

  /** Most lines remembered as shown after they were forgotten: the oldest go first. */
  static final int MAX_FORGOTTEN = MAX_ORPHANED;

  private final Map<PeerId, SeqWindow<ChatMessage>> linked = new HashMap<>();
  private final Map<PeerId, SeqWindow<ChatMessage>> orphaned = new HashMap<>();
  private final Map<PeerId, Long> orphanedAt = new HashMap<>();
  private int orphanedLines;
  // a forgotten line's fingerprint (SHA-256 of every field equals compares), not the line: a line
  // may carry 64 KiB of text, and a member that shows lines it never signs, one link after
  // another, would otherwise pin MAX_FORGOTTEN of them (256 MiB) for as long as nothing evicts them
  private final Map<MessageId, byte[]> forgotten =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<MessageId, byte[]> eldest) {
          return size() > MAX_FORGOTTEN;
        }
      };

  boolean isEmpty() {
    return linked.isEmpty() && orphaned.isEmpty() && forgotten.isEmpty();
  }

  /** Whether the line under {@code id} was shown early (waiting for its head, or forgotten). */
  boolean wasShown(MessageId id) {
    return get(id) != null || forgotten.containsKey(id);
  }

  /**
   * Whether {@code m} itself (not another version under its id) was shown early: it was charged to
   * its author's quota then, whatever link its signed copy comes by. Leaves the line early.
   */
  boolean shownAsIs(ChatMessage m) {
    ChatMessage shown = get(m.id());
    if (shown != null) {
      return shown.equals(m);
    }
    byte[] f = forgotten.isEmpty() ? null : forgotten.get(m.id());
    return f != null && Arrays.equals(f, fingerprint(m));
  }

  private void forget(ChatMessage m) {
    forgotten.put(m.id(), fingerprint(m));
  }

  /** Bytes the forgotten lines' fingerprints hold: 32 per line, whatever the lines' sizes. */
  long forgottenBytes() {
    long n = 0;
    for (byte[] f : forgotten.values()) {
      n += f.length;
    }
    return n;
  }

  /**
   * SHA-256 over every field {@link ChatMessage#equals} compares, each length-prefixed, so two
   * lines have one fingerprint exactly when they are equal (short of a SHA-256 collision).
   */
  static byte[] fingerprint(ChatMessage m) {
    MessageDigest d;
    try {
      d = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e); // every Java platform has SHA-256
    }
    ByteBuffer b = ByteBuffer.allocate(8 * 4 + 4);
    b.putLong(m.id().seq()).putLong(m.lamport()).putLong(m.wallTimeMs());
    b.putInt(m.kind().ordinal()).putLong(m.deps().size());
    d.update(b.array());
    field(d, m.id().origin().toBytes());
    field(d, m.nick().getBytes(StandardCharsets.UTF_8));
    field(d, m.text().getBytes(StandardCharsets.UTF_8));
    for (MessageId dep : m.deps()) {
      field(d, dep.origin().toBytes());
      d.update(ByteBuffer.allocate(8).putLong(dep.seq()).array());
    }
    field(d, m.prev());
    return d.digest();
  }

  private static void field(MessageDigest d, byte[] bytes) {
    d.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
    d.update(bytes);
  }

  /** The line shown early under {@code id}, or null. */
  ChatMessage get(MessageId id) {
    ChatMessage m = get(linked, id);
    return m != null ? m : get(orphaned, id);
  }

  /** As {@link #get(MessageId)}, for seq {@code seq} of {@code origin}, without an id. */
  ChatMessage get(PeerId origin, long seq) {
    ChatMessage m = get(linked, origin, seq);
    return m != null ? m : get(orphaned, origin, seq);
  }

  private static ChatMessage get(Map<PeerId, SeqWindow<ChatMessage>> map, MessageId id) {
    return get(map, id.origin(), id.seq());
  }

  private static ChatMessage get(Map<PeerId, SeqWindow<ChatMessage>> map, PeerId origin, long seq) {
    SeqWindow<ChatMessage> of = map.get(origin);
    return of == null ? null : of.get(seq);
  }

  /**
   * Each line shown early that still waits for its head (its author's link up, or its grace
   * running): at most {@link #MAX_PER_AUTHOR} per linked author and {@link #MAX_ORPHANED} more.
   */
  void forEachWaiting(Consumer<ChatMessage> each) {
    linked.values().forEach(w -> w.forEach(each));
    orphaned.values().forEach(w -> w.forEach(each));
  }

  /**
   * Whether lines of {@code origin} shown early still wait for its head (on its link, or in their
   * grace): it was admitted as an author when the first was shown.
   */
  boolean hasLinesOf(PeerId origin) {
    return linked.containsKey(origin) || orphaned.containsKey(origin);
  }

  /** Whether {@code origin} has as many lines shown early on its link as it may. */
  boolean full(PeerId origin) {
    SeqWindow<ChatMessage> of = linked.get(origin);
    return of != null && of.size() >= MAX_PER_AUTHOR;
  }

  void add(ChatMessage m) {
    linked.computeIfAbsent(m.origin(), o -> new SeqWindow<>()).put(m.seq(), m);
  }

  /** What was shown early under a signed message's id. */
  enum Taken {
    /** Nothing: show the signed line. */
    NOTHING,
    /** The same line: not shown again. */
    SAME,
    /** Another version, never signed: the user is told, and the signed line shown. */
    OTHER
  }

  /**
   * {@code m} is being shown by the usual path, signed: what was shown early under its id. Either
   * way the id is no longer early.
   */
  Taken taken(ChatMessage m) {
    ChatMessage early = remove(linked, m.origin(), m.seq());
    if (early == null) {
      early = remove(orphaned, m.origin(), m.seq());
      if (early != null) {
        orphanedLines--;
      } else {
        byte[] shown = forgotten.remove(m.id());
        return shown == null
            ? Taken.NOTHING
            : Arrays.equals(shown, fingerprint(m)) ? Taken.SAME : Taken.OTHER;
      }
    }
    return early.equals(m) ? Taken.SAME : Taken.OTHER;
  }

  private static ChatMessage remove(
      Map<PeerId, SeqWindow<ChatMessage>> map, PeerId origin, long seq) {
    SeqWindow<ChatMessage> of = map.get(origin);
    if (of == null) {
      return null;
    }
    ChatMessage m = of.remove(seq);
    if (of.isEmpty()) {
      map.remove(origin);
    }
    return m;
  }

  /**
   * A signed head of {@code origin} through {@code seq} came on its link, after the messages it
   * authenticated: the lines at or below it are signed, and forgotten unless {@code held} (stored,
   * waiting for a dependency: the usual path shows it later, and must not show it again).
   */
  void signed(PeerId origin, long seq, Predicate<MessageId> held) {
    clearThrough(linked, origin, seq, held);
    orphanedLines -= clearThrough(orphaned, origin, seq, held);
  }

  private int clearThrough(
      Map<PeerId, SeqWindow<ChatMessage>> map, PeerId origin, long seq, Predicate<MessageId> held) {
    SeqWindow<ChatMessage> of = map.get(origin);
    if (of == null) {
      return 0;
    }
    // forgotten: its signed copy, if the usual path has not taken it yet, is not shown again
    int n = of.removeThrough(seq, m -> held.test(m.id()), this::forget);
    if (of.isEmpty()) {
      map.remove(origin);
    }
    return n;
  }

  /**
   * {@code origin}'s link went down at {@code nowMs}: its lines wait {@link #GRACE_MS} for a signed
   * copy. Returns how many must be told now as never signed (0 unless over {@link #MAX_ORPHANED}):
   * those not {@code stored} (a stored one was signed, and waits for a dependency).
   */
  int linkDown(PeerId origin, long nowMs, Predicate<MessageId> stored) {
    SeqWindow<ChatMessage> of = linked.remove(origin);
    if (of == null) {
      return 0;
    }
    if (orphanedLines + of.size() > MAX_ORPHANED) {
      return count(of, stored) + unsigned(origin, Long.MAX_VALUE, stored);
    }
    orphaned.merge(
        origin,
        of,
        (a, b) -> {
          a.putAll(b);
          return a;
        });
    orphanedLines += of.size();
    orphanedAt.put(origin, nowMs);
    return 0;
  }

  /** Whether lines of {@code origin} wait out their grace. */
  boolean orphaned(PeerId origin) {
    return orphanedAt.containsKey(origin);
  }

  /**
   * The grace of {@code origin}'s lines is checked at {@code nowMs}: if it is over, how many of
   * them were never signed (forgotten now); 0 if none, or if a later link down restarted the grace.
   */
  int unsigned(PeerId origin, long nowMs, Predicate<MessageId> stored) {
    Long since = orphanedAt.get(origin);
    if (since == null || nowMs - since < GRACE_MS) {
      return 0;
    }
    orphanedAt.remove(origin);
    SeqWindow<ChatMessage> of = orphaned.remove(origin);
    if (of == null) {
      return 0;
    }
    orphanedLines -= of.size();
    return count(of, stored);
  }

  /** How many of {@code of} are not {@code stored}; each is remembered as shown, not kept. */
  private int count(SeqWindow<ChatMessage> of, Predicate<MessageId> stored) {
    int[] n = {0};
    of.forEach(
        m -> {
          forget(m);
          if (!stored.test(m.id())) {
            n[0]++;
          }
        });
    return n[0];
  }
}
