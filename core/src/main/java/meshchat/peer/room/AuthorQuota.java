package meshchat.peer.room;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.PeerId;

/**
 * How many bytes of each author's messages this peer stores per rolling day (docs/security.md,
 * "Author quota"): a member posting without end, under one key, cannot fill every peer's disk.
 *
 * <p>A message costs {@link #cost} (its UTF-8 text and nick plus {@link #ROW_BYTES}, so a flood of
 * empty lines costs too), charged at the <em>local</em> time this peer stores it, in whole hours:
 * the window is the current hour and the 23 before it. The message's own wall time is signed, so
 * chosen by its author, and never moves a charge in time; it only picks one of two allowances: a
 * message written more than a day before it is stored ({@link Kind#OLD}: history caught up) is
 * charged to the author's history allowance, any other ({@link Kind#RECENT}) to its live one, each
 * {@code limit} bytes per rolling day. So a catch-up of a week's history does not use up the live
 * lines of today, and an author who backdates its lines gains one allowance more, never more than
 * twice {@code limit} a day.
 *
 * <p>A message that would take its allowance over the limit is not stored: its author is held at
 * that seq (the lowest such), and no later seq of it is stored, shown, relayed or asked for while
 * it is held. A hold ends once the window has room for the message it refused (a later hour has
 * dropped the old charges), and fetching resumes there. The hour never goes back: the quota keeps
 * its own time, which moves on by what the clock moves forward and stands still while it goes back;
 * so a clock set back frees nothing, and a clock set far forward and then back again (which frees
 * the charges older than the jump, as any forward clock does) leaves windows rolling on with real
 * time from there, never stuck at the far hour. All sums saturate at 2^63-1. Own messages are never
 * charged.
 *
 * <p>Room thread only; no clock of its own (the caller passes the time).
 */
public final class AuthorQuota {
  /** What a stored message costs beyond its text and nick: about its row (id, deps, chain hash). */
  public static final int ROW_BYTES = 160;

  static final long HOUR_MS = 3_600_000L;
  static final int HOURS = 24;

  /** A day in milliseconds: a message signed earlier than this before now is history. */
  static final long DAY_MS = HOURS * HOUR_MS;

  /**
   * How far ahead of the clock a kept charge may be and still count ({@link #restore}): a clock set
   * back by up to this many hours since the charge was written. A charge further ahead is from a
   * clock that was set far forward, which frees old charges anyway, and is ignored.
   */
  public static final int RESTORE_AHEAD_HOURS = 48;

  /** Which allowance a message is charged to. */
  public enum Kind {
    RECENT,
    OLD
  }

  /** An author's allowance held at {@code seq}: the first message it refused cost {@code cost}. */
  record Hold(long seq, long cost) {}

  private final long limit;
  private final Map<PeerId, Window[]> windows = new HashMap<>();
  private final Map<PeerId, Hold[]> holds = new HashMap<>();
  private int heldNew; // holds of new authors not admitted (slot 2)
  // the quota's own time: moves on by what the clock moves forward, never back (see hourOf)
  private final ForwardTime time = new ForwardTime();

  /** A quota of {@code limit} bytes per author per rolling day and allowance; must be >= 0. */
  public AuthorQuota(long limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("the author quota must be >= 0: " + limit);
    }
    this.limit = limit;
  }

  public long limit() {
    return limit;
  }

  /** What storing {@code m} costs: its UTF-8 text and nick, plus {@link #ROW_BYTES}. */
  public static long cost(ChatMessage m) {
    return ROW_BYTES + utf8Length(m.text()) + utf8Length(m.nick());
  }

  /**
   * The UTF-8 length of {@code s} (what {@code String.getBytes(UTF_8)} would give; an unpaired
   * surrogate counts 3), in one pass with no copy.
   */
  public static long utf8Length(String s) {
    long n = s.length();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        if (c < 0x800) {
          n += 1;
        } else if (Character.isHighSurrogate(c)
            && i + 1 < s.length()
            && Character.isLowSurrogate(s.charAt(i + 1))) {
          n += 2; // a pair: 2 chars, 4 bytes
          i++;
        } else {
          n += 2;
        }
      }
    }
    return n;
  }

  /** Which allowance a message signed at {@code wallTimeMs} and stored at {@code nowMs} uses. */
  public static Kind kind(long wallTimeMs, long nowMs) {
    return wallTimeMs < nowMs - DAY_MS ? Kind.OLD : Kind.RECENT;
  }

  /**
   * The quota's hour at clock reading {@code nowMs}: its time moves on by what the clock moved
   * forward since its last reading and stands still while the clock goes back. So the hour never
   * goes back (a clock set back frees nothing), and after a clock set forward and back again it
   * moves on with real time from where the jump left it: windows roll, holds end within a day.
   */
  private long hourOf(long nowMs) {
    return Math.floorDiv(time.at(nowMs), HOUR_MS);
  }

  /**
   * Reads the clock ({@code nowMs}) so that the quota's time sees it go back: the room calls it
   * every sync round, or a time read only when a message comes stands still after a clock put right
   * until the clock gets back to where it was (rev34).
   */
  public void clockRead(long nowMs) {
    time.at(nowMs);
  }

  /** {@code a + b}, or {@link Long#MAX_VALUE} / {@link Long#MIN_VALUE} where it would overflow. */
  static long saturatedAdd(long a, long b) {
    long r = a + b;
    if (((a ^ r) & (b ^ r)) < 0) {
      return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
    return r;
  }

  /**
   * Charges storing {@code m} at local time {@code nowMs} to its author and returns true, or
   * returns false, charging nothing, if it would take the author's allowance over the quota or the
   * author is held at or below its seq (then the author is held at the lowest such seq).
   */
  public boolean take(ChatMessage m, long nowMs) {
    return take(m.origin(), m.seq(), cost(m), kind(m.wallTimeMs(), nowMs), nowMs);
  }

  /** As {@link #take(ChatMessage, long)}, for a message of that origin, seq, cost and kind. */
  public boolean take(PeerId origin, long seq, long cost, Kind kind, long nowMs) {
    long h = hourOf(nowMs);
    Hold[] held = holds.isEmpty() ? null : holds.get(origin);
    if (held != null && held[kind.ordinal()] != null && seq >= held[kind.ordinal()].seq()) {
      return false;
    }
    cost = Math.max(0, cost); // a cost below 0 (never one of a message) must not free bytes
    Window w = window(origin, kind, true);
    long used = w.used(h);
    if (cost > limit - used) { // no overflow: 0 <= used <= 2^63-1, limit >= 0
      hold(origin, kind, seq, cost);
      return false;
    }
    w.add(h, cost);
    return true;
  }

  private void hold(PeerId origin, Kind kind, long seq, long cost) {
    Hold[] held = holds.computeIfAbsent(origin, o -> new Hold[3]);
    Hold was = held[kind.ordinal()];
    if (was == null || seq < was.seq()) {
      held[kind.ordinal()] = new Hold(seq, cost);
    }
  }

  /** Whether any author is held: when none is, nothing else here need be asked. */
  public boolean anyHeld() {
    return !holds.isEmpty();
  }

  /**
   * The lowest seq of {@code origin} this peer does not store nor ask for now (its live or history
   * allowance is held there), or {@link Long#MAX_VALUE}.
   */
  public long heldAt(PeerId origin) {
    if (holds.isEmpty()) {
      return Long.MAX_VALUE;
    }
    Hold[] held = holds.get(origin);
    if (held == null) {
      return Long.MAX_VALUE;
    }
    long at = Long.MAX_VALUE;
    for (Hold x : held) {
      if (x != null) {
        at = Math.min(at, x.seq());
      }
    }
    return at;
  }

  /**
   * As {@link #heldAt}, by its live and history allowances only (not a hold as a new author): where
   * a link of a source not refused the new author may still be asked for it.
   */
  public long heldAtOverQuota(PeerId origin) {
    Hold[] held = holds.isEmpty() ? null : holds.get(origin);
    if (held == null) {
      return Long.MAX_VALUE;
    }
    long at = Long.MAX_VALUE;
    for (int k = 0; k < 2; k++) {
      if (held[k] != null) {
        at = Math.min(at, held[k].seq());
      }
    }
    return at;
  }

  /** Whether {@code origin}'s message {@code seq} is at or above where it is held. */
  public boolean holdsBack(PeerId origin, long seq) {
    if (holds.isEmpty()) {
      return false; // the common case: no lookup
    }
    Hold[] held = holds.get(origin);
    if (held == null) {
      return false;
    }
    for (Hold x : held) {
      if (x != null && seq >= x.seq()) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code origin}'s {@code kind} allowance is held at or below {@code seq}. */
  public boolean holdsBack(PeerId origin, long seq, Kind kind) {
    Hold[] held = holds.isEmpty() ? null : holds.get(origin);
    return held != null && held[kind.ordinal()] != null && seq >= held[kind.ordinal()].seq();
  }

  /** Whether {@code origin} is held at all. */
  public boolean isHeld(PeerId origin) {
    return !holds.isEmpty() && holds.containsKey(origin);
  }

  /** Authors held, each with {@link #heldAt}. */
  public Map<PeerId, Long> held() {
    Map<PeerId, Long> out = new HashMap<>();
    for (PeerId o : holds.keySet()) {
      out.put(o, heldAt(o));
    }
    return out;
  }

  /**
   * Ends the holds whose allowance now has room for the message it refused (the window moved on
   * past older charges), and returns their authors: what they hold above is asked for again.
   */
  public List<PeerId> release(long nowMs) {
    if (holds.isEmpty()) {
      return List.of();
    }
    long h = hourOf(nowMs);
    List<PeerId> out = new ArrayList<>();
    Iterator<Map.Entry<PeerId, Hold[]>> it = holds.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<PeerId, Hold[]> e = it.next();
      Hold[] held = e.getValue();
      boolean freed = false;
      for (Kind k : Kind.values()) {
        Hold x = held[k.ordinal()];
        if (x != null) {
          Window w = window(e.getKey(), k, false);
          long used = w == null ? 0 : w.used(h);
          if (x.cost() <= limit - used) {
            held[k.ordinal()] = null;
            freed = true;
          }
        }
      }
      if (held[0] == null && held[1] == null && held[2] == null) {
        it.remove();
      }
      if (freed) {
        out.add(e.getKey());
      }
    }
    return out;
  }

  /**
   * Holds all of {@code origin} (from seq 0 on) for {@code forMs} of the quota's time from clock
   * reading {@code nowMs}: a new author not admitted ({@link NewAuthors}). Nothing of it is stored,
   * shown or asked for meanwhile, as for an author over its quota. The quota's time, not the
   * clock's (rev34: a hold placed while the clock was years ahead lasted years after it was put
   * right).
   */
  public void holdNew(PeerId origin, long nowMs, long forMs) {
    long until = saturatedAdd(time.at(nowMs), forMs);
    Hold[] held = holds.computeIfAbsent(origin, o -> new Hold[3]);
    if (held[2] == null) {
      heldNew++;
    }
    held[2] = new Hold(0, until);
  }

  /** Ends {@code origin}'s hold as a new author (another source admitted it). */
  public void unholdNew(PeerId origin) {
    Hold[] held = holds.isEmpty() ? null : holds.get(origin);
    if (held != null && held[2] != null) {
      held[2] = null;
      heldNew--;
      if (held[0] == null && held[1] == null) {
        holds.remove(origin);
      }
    }
  }

  /** Whether {@code origin} is held as a new author not admitted. */
  public boolean isHeldNew(PeerId origin) {
    Hold[] held = holds.isEmpty() ? null : holds.get(origin);
    return held != null && held[2] != null;
  }

  /** Authors held as new and not admitted (at most what {@link #holdNew} was called for). */
  public int heldNewCount() {
    return heldNew;
  }

  /**
   * Ends the holds of new authors due by the quota's time at clock reading {@code nowMs} (a clock
   * set back ends none early and, set right again, none late; one set forward ends them early) and
   * returns their authors: they are asked for again, and admitted or held again by the link that
   * brings them.
   */
  public List<PeerId> releaseNew(long nowMs) {
    if (holds.isEmpty()) {
      return List.of();
    }
    long t = time.at(nowMs);
    List<PeerId> out = new ArrayList<>();
    Iterator<Map.Entry<PeerId, Hold[]>> it = holds.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<PeerId, Hold[]> e = it.next();
      Hold[] held = e.getValue();
      if (held[2] != null && held[2].cost() <= t) {
        held[2] = null;
        heldNew--;
        out.add(e.getKey());
        if (held[0] == null && held[1] == null) {
          it.remove();
        }
      }
    }
    return out;
  }

  /**
   * Bytes charged to {@code origin}'s {@code kind} allowance in the window ending at {@code nowMs}.
   */
  public long used(PeerId origin, Kind kind, long nowMs) {
    Window w = window(origin, kind, false);
    return w == null ? 0 : w.used(hourOf(nowMs));
  }

  /**
   * Takes a charge kept by the store (a restart): {@code bytes} of {@code origin}'s {@code kind}
   * allowance charged in hour {@code hour} (hours since the epoch). Charges of {@code bytes} <= 0,
   * or outside the window ending at {@code nowMs}, are ignored. A charge from an hour the clock has
   * not reached (it was set back since) counts as charged now, so it is freed no earlier than a day
   * on: a clock set back frees nothing; but one more than {@link #RESTORE_AHEAD_HOURS} ahead is
   * ignored (it was written while the clock was far forward, which frees old charges anyway), and
   * no charge moves the quota's hour, so a row from a far hour cannot stop the windows rolling.
   */
  public void restore(PeerId origin, Kind kind, long hour, long bytes, long nowMs) {
    long h = hourOf(nowMs);
    if (bytes <= 0 || hour <= h - HOURS || hour > h + RESTORE_AHEAD_HOURS) {
      return;
    }
    window(origin, kind, true).add(h, Math.min(hour, h), bytes);
  }

  /**
   * Gives back {@code cost} that {@link #take} charged to {@code origin}'s {@code kind} allowance
   * in hour {@code hour}: the message was not stored after all (a write that rolled back), and its
   * copy fetched again is charged anew. Nothing if that hour has left the window ending at {@code
   * nowMs}; never more than the hour holds.
   */
  public void refund(PeerId origin, Kind kind, long hour, long cost, long nowMs) {
    Window w = window(origin, kind, false);
    if (w != null && cost > 0) {
      w.refund(hourOf(nowMs), hour, cost);
    }
  }

  /**
   * Forgets the windows that hold nothing within the day: an author silent for a day costs none.
   */
  public void sweep(long nowMs) {
    long h = hourOf(nowMs);
    windows.entrySet().removeIf(e -> idle(e.getValue(), h) && !holds.containsKey(e.getKey()));
  }

  private static boolean idle(Window[] ws, long h) {
    for (Window w : ws) {
      if (w != null && w.used(h) > 0) {
        return false;
      }
    }
    return true;
  }

  /** Authors with a window kept (tests). */
  int authorsKept() {
    return windows.size();
  }

  private Window window(PeerId origin, Kind kind, boolean create) {
    Window[] ws = windows.get(origin);
    if (ws == null) {
      if (!create) {
        return null;
      }
      ws = new Window[2];
      windows.put(origin, ws);
    }
    Window w = ws[kind.ordinal()];
    if (w == null && create) {
      w = new Window();
      ws[kind.ordinal()] = w;
    }
    return w;
  }

  /** Bytes charged per hour over the last {@link #HOURS} hours, in a ring; sums saturate. */
  private static final class Window {
    private final long[] bytes = new long[HOURS];
    private long latest = Long.MIN_VALUE; // the hour the ring ends at
    private long total; // the saturated sum of bytes

    /** Moves the ring's end to {@code h}, dropping the hours that fall out of the window. */
    private void advance(long h) {
      if (latest == Long.MIN_VALUE || h - latest >= HOURS) {
        java.util.Arrays.fill(bytes, 0);
        total = 0;
        latest = h;
        return;
      }
      if (latest >= h) {
        return;
      }
      while (latest < h) {
        latest++;
        bytes[(int) Math.floorMod(latest, (long) HOURS)] = 0;
      }
      // summed again, not subtracted: a saturated total is not the sum it stands for
      long t = 0;
      for (long b : bytes) {
        t = saturatedAdd(t, b);
      }
      total = t;
    }

    long used(long h) {
      advance(h);
      return total;
    }

    void add(long h, long cost) {
      add(h, h, cost);
    }

    /**
     * Takes back up to {@code cost} charged to {@code hour}, if the window ending at {@code now}
     * still holds that hour; never more than the hour holds.
     */
    void refund(long now, long hour, long cost) {
      advance(now);
      if (hour <= latest && hour > latest - HOURS) {
        int i = (int) Math.floorMod(hour, (long) HOURS);
        bytes[i] -= Math.min(cost, bytes[i]);
        // summed again, not subtracted: a saturated total is not the sum it stands for
        long t = 0;
        for (long x : bytes) {
          t = saturatedAdd(t, x);
        }
        total = t;
      }
    }

    /** Charges {@code cost} >= 0 to {@code hour}, within the window ending at {@code now}. */
    void add(long now, long hour, long cost) {
      advance(now);
      int i = (int) Math.floorMod(hour, (long) HOURS);
      bytes[i] = saturatedAdd(bytes[i], cost);
      total = saturatedAdd(total, cost);
    }
  }

  /** The hour (since the epoch) {@code nowMs} falls in, as charges are kept by. */
  public static long hourAt(long nowMs) {
    return Math.floorDiv(nowMs, HOUR_MS);
  }

  /**
   * The hour this quota charges now: {@link #hourAt} of its own time, which moves on with the
   * clock's forward steps only (see the class comment).
   */
  public long chargeHour(long nowMs) {
    return hourOf(nowMs);
  }
}
