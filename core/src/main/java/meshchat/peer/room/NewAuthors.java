package meshchat.peer.room;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import meshchat.peer.message.PeerId;

/**
 * How many new authors (origins this peer stores no message of) each source may introduce per
 * rolling day (docs/security.md, "New authors per source"): keys are free, so the author quota
 * alone bounds a flood by authors, not by members; this bounds the authors.
 *
 * <p>A new origin is charged to the source (IPv4 address or IPv6 /64) of the link that brought its
 * first message, one of {@code perDay} new authors per rolling day of the caller's clock, unless it
 * is <em>free</em>: named by a digest the link sent within {@link #NAMING_MS} of coming up, on a
 * link that came up while this peer stored no message of any other author (a newcomer catching up:
 * it has nothing to check a history against, and takes the room as its first links present it).
 * Past the budget the origin is not admitted now: the room holds it back as it holds an author over
 * its quota, and asks again after {@link #RETRY_MS}, when the link that brings it is charged again.
 *
 * <p>Every structure is bounded: at most {@link #MAX_SOURCES} sources' budgets are kept (the
 * longest unused is forgotten, and with it what that source spent), each at most {@code perDay}
 * times, and a link's names at most {@link #MAX_NAMED}.
 *
 * <p>Room thread only; no clock of its own (the caller passes the time).
 */
public final class NewAuthors {
  /** A day in milliseconds: the budget's window. */
  static final long DAY_MS = 24 * 3_600_000L;

  /** How long after link-up a newcomer's link's digests name origins it introduces free. */
  public static final long NAMING_MS = 60_000;

  /** How long an origin not admitted waits before it is asked for again. */
  public static final long RETRY_MS = 3_600_000L;

  /** Most sources whose budget is kept. */
  static final int MAX_SOURCES = 4_096;

  /** Most origins one link names free (a digest holds at most 10,000; a catch-up a few of them). */
  public static final int MAX_NAMED = 1 << 17;

  /** No bound: every new origin is admitted. */
  public static final int OFF = Integer.MAX_VALUE;

  private final int perDay;
  // its own time, as AuthorQuota's: moves on by the clock's forward steps only, so a clock set back
  // frees nothing and one set far forward and back leaves the day rolling with real time
  private final ForwardTime time = new ForwardTime();
  // each source's admissions within the day, oldest first (at most perDay each)
  private final LinkedHashMap<Object, ArrayDeque<Long>> spent =
      new LinkedHashMap<>(16, 0.75f, true);

  /** A budget of {@code perDay} new authors per source per rolling day; {@link #OFF} for none. */
  public NewAuthors(int perDay) {
    if (perDay < 0) {
      throw new IllegalArgumentException("new authors per source must be >= 0: " + perDay);
    }
    this.perDay = perDay;
  }

  public int perDay() {
    return perDay;
  }

  public boolean off() {
    return perDay == OFF;
  }

  /** What one link tells about the origins it introduces (kept by the room per link). */
  public static final class Link {
    private final Object source;
    private final long upAtMs;
    private Set<PeerId> named; // null: not a newcomer's link, or its naming time is over

    /**
     * A link from {@code source} came up at {@code upAtMs}; {@code newcomer}: this peer stored no
     * message of another author then.
     */
    public Link(Object source, long upAtMs, boolean newcomer) {
      this.source = source;
      this.upAtMs = upAtMs;
      this.named = newcomer ? new HashSet<>() : null;
    }

    public Object source() {
      return source;
    }

    /** Whether this link's digests still name origins it brings free (a newcomer's link). */
    public boolean naming(long nowMs) {
      return named != null
          && nowMs >= upAtMs
          && Long.compareUnsigned(nowMs - upAtMs, NAMING_MS) <= 0;
    }

    /** The link's digest named {@code origin} at {@code nowMs}. */
    public void named(PeerId origin, long nowMs) {
      if (named == null) {
        return;
      }
      if (!naming(nowMs)) {
        return; // its naming time is over (or the clock went back): the names kept stay
      }
      if (named.size() < MAX_NAMED) {
        named.add(origin);
      }
    }

    /** Whether {@code origin} comes free on this link. */
    public boolean free(PeerId origin) {
      return named != null && named.contains(origin);
    }

    int namedCount() {
      return named == null ? 0 : named.size();
    }
  }

  /**
   * Whether a new origin brought by {@code link} may be admitted at {@code nowMs}: free, or its
   * source has a new author left in the day. Charges nothing: {@link #admitted} does.
   */
  public boolean allows(Link link, PeerId origin, long nowMs) {
    if (perDay == OFF || link.free(origin)) {
      return true;
    }
    long t = timeOf(nowMs);
    ArrayDeque<Long> s = spent.get(link.source());
    if (s == null) {
      return perDay > 0;
    }
    roll(s, t);
    return s.size() < perDay;
  }

  /** A new origin brought by {@code link} was admitted at {@code nowMs}: charges its source. */
  public void admitted(Link link, PeerId origin, long nowMs) {
    if (perDay == OFF || link.free(origin)) {
      return;
    }
    long t = timeOf(nowMs);
    ArrayDeque<Long> s = spent.get(link.source());
    if (s == null) {
      if (spent.size() >= MAX_SOURCES) {
        Iterator<Map.Entry<Object, ArrayDeque<Long>>> it = spent.entrySet().iterator();
        it.next();
        it.remove(); // the longest unused
      }
      s = new ArrayDeque<>();
      spent.put(link.source(), s);
    }
    roll(s, t);
    if (s.size() < perDay) {
      s.addLast(t);
    }
  }

  /** New authors {@code source} introduced within the day ending at {@code nowMs}. */
  public int spent(Object source, long nowMs) {
    long t = timeOf(nowMs);
    ArrayDeque<Long> s = spent.get(source);
    if (s == null) {
      return 0;
    }
    roll(s, t);
    return s.size();
  }

  /**
   * Gives back one new author {@link #admitted} charged to {@code source} whose message was never
   * stored (its write rolled back): the newest admission within the day, which a charge made in the
   * unit of work now rolled back is. Nothing if the source was forgotten or spent nothing.
   */
  public void refund(Object source) {
    if (perDay == OFF) {
      return;
    }
    ArrayDeque<Long> s = spent.get(source);
    if (s != null && !s.isEmpty()) {
      s.pollLast();
    }
  }

  /** This budget's time at clock reading {@code nowMs} ({@link ForwardTime}). */
  private long timeOf(long nowMs) {
    return time.at(nowMs);
  }

  /** Drops the admissions over a day old at this budget's time {@code t}. */
  private static void roll(ArrayDeque<Long> s, long t) {
    while (!s.isEmpty() && t - DAY_MS < t && s.peekFirst() <= t - DAY_MS) {
      s.pollFirst();
    }
  }

  /** Sources with a budget kept (tests). */
  int sourcesKept() {
    return spent.size();
  }
}
