package meshchat.peer.room;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
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
 * it has nothing to check a history against, and takes the room as its first links present it). It
 * is charged to the source's network too (opaque to this class: the link layer's IPv6 /48 or IPv4
 * address), whose sources share {@link #NETWORK_SOURCES} times {@code perDay} a day, and is
 * admitted only while both have one left: an IPv6 /48 is 65,536 /64s, so until session 36 one /48
 * had 4,097 budgets (rev36 FINDING-4). Past either budget the origin is not admitted now: the room
 * holds it back as it holds an author over its quota, and asks again after {@link #RETRY_MS}, when
 * the link that brings it is charged again.
 *
 * <p>Every structure is bounded: at most {@link #MAX_SOURCES} sources' budgets are kept (the
 * longest unused is forgotten, and what it spent within the day is folded into one shared overflow
 * of at most {@code perDay} times, which every source not kept starts from), each at most {@code
 * perDay} times, and likewise at most {@link #MAX_NETWORKS} networks' (their overflow at most a
 * network's budget, so forgetting a network grants no fresh budget either); a source's names (all
 * its links' together) at most {@link #MAX_NAMED}, all sources' at most {@link #MAX_NAMED_TOTAL},
 * each kept until its origin is stored, the links that named it are down, or a source under its
 * fair share of a full table takes its place (a newcomer's catch-up may take hours where the
 * history answer budget paces it, so a name outlives the naming time).
 *
 * <p>The table of names is shared fairly by source: when it is full, a source that names fewer than
 * {@code MAX_NAMED_TOTAL / n} origins (n the sources naming, itself counted) takes the place of the
 * newest name of the source naming the most, which then names more than that share. So one source,
 * however many links, cannot fill the table, and n sources together leave a source that comes later
 * its share (rev35 FINDING-3: two links of one hostile source named 262,144 origins that never
 * came, and the honest hub's link that came next named nothing free).
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

  /**
   * Most origins one source names free, all its links together (a digest holds at most 10,000; a
   * catch-up a few of them). Until session 36 this bound was per link, and two links of one source
   * filled {@link #MAX_NAMED_TOTAL}.
   */
  public static final int MAX_NAMED = 1 << 17;

  /**
   * Most origins named free and not stored yet, across all sources at once: two sources' worth, so
   * one source cannot take them all, and the memory is a few tens of MB whatever the link slots
   * (each name is kept once however many links name it; each source naming it costs one reference
   * more in that source's order of names).
   */
  public static final int MAX_NAMED_TOTAL = 2 * MAX_NAMED;

  /** How many sources' budgets one network's sources share. */
  public static final int NETWORK_SOURCES = 4;

  /**
   * Most networks whose budget is kept, as many as sources (an IPv4 address is a network of its
   * own). Each admission is one entry in its source's budget and one in its network's, and the
   * sources admit at most their kept budgets and one more in a day, so the networks' entries are as
   * many at most, however large a network's budget.
   */
  static final int MAX_NETWORKS = MAX_SOURCES;

  /** No bound: every new origin is admitted. */
  public static final int OFF = Integer.MAX_VALUE;

  private final int perDay;
  private final int maxNamed; // MAX_NAMED but in tests
  private final int maxNamedTotal; // MAX_NAMED_TOTAL but in tests
  // its own time, as AuthorQuota's: moves on by the clock's forward steps only, so a clock set back
  // frees nothing and one set far forward and back leaves the day rolling with real time
  private final ForwardTime time = new ForwardTime();
  // each source's admissions within the day, and the forgotten sources' (shared overflow)
  private final Budgets sources;
  // each network's (its sources' together), likewise: an IPv6 /48 is 65,536 /64s, each a source,
  // and until session 36 it had as many budgets (rev36 FINDING-4: 262,208 new authors a day)
  private final Budgets networks;
  // the origins newcomers' links named free and not stored yet, each with the links that named it:
  // a name goes once its origin is stored, and with the last link that named it
  private final HashMap<PeerId, Link[]> named = new HashMap<>();
  // each source that names origins in `named` (one of its links does), with how many: a source is
  // here exactly while it names one
  private final HashMap<Object, Names> bySource = new HashMap<>();

  /** The origins in {@code named} one source's links name. */
  private static final class Names {
    int count; // how many (distinct) origins in `named` a link of the source names
    // the origins it came to name, oldest first: each it names is here (once or more); some may be
    // gone since (stored, its links down, taken by another source), skipped when met, and dropped
    // when they are more than half (compact): at most 2 * count + 17 at any time
    ArrayDeque<PeerId> order = new ArrayDeque<>();
  }

  /** A budget of {@code perDay} new authors per source per rolling day; {@link #OFF} for none. */
  public NewAuthors(int perDay) {
    this(perDay, MAX_NAMED);
  }

  /**
   * As {@link #NewAuthors(int)}, with a source's names at most {@code maxNamed} and all sources' at
   * most twice that (tests: the product's are {@link #MAX_NAMED} and {@link #MAX_NAMED_TOTAL}).
   */
  NewAuthors(int perDay, int maxNamed) {
    if (perDay < 0) {
      throw new IllegalArgumentException("new authors per source must be >= 0: " + perDay);
    }
    if (maxNamed < 1 || maxNamed > MAX_NAMED) {
      throw new IllegalArgumentException("names per source must be 1 to " + MAX_NAMED);
    }
    this.perDay = perDay;
    this.sources = new Budgets(perDay, MAX_SOURCES);
    this.networks =
        new Budgets((int) Math.min(OFF - 1L, (long) NETWORK_SOURCES * perDay), MAX_NETWORKS);
    this.maxNamed = maxNamed;
    this.maxNamedTotal = 2 * maxNamed;
  }

  public int perDay() {
    return perDay;
  }

  public boolean off() {
    return perDay == OFF;
  }

  /**
   * The link from {@code source} that came up at {@code upAtMs}; {@code newcomer}: this peer stored
   * no message of another author then. {@link Link#closed} when it goes down. The source is a
   * network of its own ({@link #link(Object, Object, long, boolean)}).
   */
  public Link link(Object source, long upAtMs, boolean newcomer) {
    return link(source, source, upAtMs, newcomer);
  }

  /**
   * As {@link #link(Object, long, boolean)}, from {@code source} in {@code network} (opaque keys:
   * the link layer's, e.g. an IPv6 /64 in its /48). A network's sources share {@link
   * #NETWORK_SOURCES} sources' budgets.
   */
  public Link link(Object source, Object network, long upAtMs, boolean newcomer) {
    return new Link(this, source, network, upAtMs, newcomer);
  }

  /** What one link tells about the origins it introduces (kept by the room per link). */
  public static final class Link {
    private final NewAuthors owner;
    private final Object source;
    private final Object network;
    private final long upAtMs;
    private final boolean newcomer; // false: not a newcomer's link, it names nothing free
    private int namedCount; // the origins it named that are not stored yet
    // the origins it named, oldest first: each it names is here; some may be gone since (stored,
    // taken by a source's share), skipped when met and dropped when they are more than half
    // (compactNames): at most 2 * namedCount + 17, so a close costs its own names, not the table
    private ArrayList<PeerId> names = new ArrayList<>();

    private Link(NewAuthors owner, Object source, Object network, long upAtMs, boolean newcomer) {
      this.owner = owner;
      this.source = source;
      this.network = network;
      this.upAtMs = upAtMs;
      this.newcomer = newcomer;
    }

    public Object source() {
      return source;
    }

    /** Whether this link's digests still name origins it brings free (a newcomer's link). */
    public boolean naming(long nowMs) {
      return newcomer && nowMs >= upAtMs && Long.compareUnsigned(nowMs - upAtMs, NAMING_MS) <= 0;
    }

    /** The link's digest named {@code origin} at {@code nowMs}. */
    public void named(PeerId origin, long nowMs) {
      if (naming(nowMs)) { // else its naming time is over (or the clock went back)
        owner.name(this, origin);
      }
    }

    /** Whether {@code origin} comes free on this link. */
    public boolean free(PeerId origin) {
      return namedCount > 0 && owner.namedBy(origin, this);
    }

    /** The link went down: what it named and is not stored yet is forgotten. */
    public void closed() {
      owner.forget(this);
    }

    int namedCount() {
      return namedCount;
    }
  }

  private void name(Link l, PeerId origin) {
    if (l.namedCount >= maxNamed) {
      return; // (its source's bound, below, holds it to this too)
    }
    Object source = l.source;
    Link[] by = named.get(origin);
    if (by != null) {
      boolean sourceNames = false; // another link of the source names it: no name more for it
      for (Link x : by) {
        if (x == l) {
          return;
        }
        sourceNames |= x.source.equals(source);
      }
      if (!sourceNames && !mayName(source)) {
        return;
      }
      Link[] more = Arrays.copyOf(by, by.length + 1); // at most one per link up
      more[by.length] = l;
      named.put(origin, more);
      if (!sourceNames) {
        added(source, origin);
      }
    } else {
      if (!mayName(source) || (named.size() >= maxNamedTotal && !makeRoom(source))) {
        return;
      }
      named.put(origin, new Link[] {l});
      added(source, origin);
    }
    l.namedCount++;
    l.names.add(origin);
    if (l.names.size() > 2 * l.namedCount + 16) {
      compactNames(l);
    }
  }

  /** Drops from {@code l}'s names those it names no more, and repeats: more than half of them. */
  private void compactNames(Link l) {
    HashSet<PeerId> kept = new HashSet<>(2 * l.namedCount);
    ArrayList<PeerId> still = new ArrayList<>(l.namedCount + 16);
    for (PeerId origin : l.names) {
      if (namedBy(origin, l) && kept.add(origin)) {
        still.add(origin);
      }
    }
    l.names = still;
  }

  /** Whether {@code source} names fewer origins than {@link #MAX_NAMED}. */
  private boolean mayName(Object source) {
    Names s = bySource.get(source);
    return s == null || s.count < maxNamed;
  }

  /** {@code source} names {@code origin} now (none of its links did). */
  private void added(Object source, PeerId origin) {
    Names s = bySource.computeIfAbsent(source, k -> new Names());
    s.count++;
    s.order.addLast(origin);
    trim(source, s);
  }

  /** Compacts {@code s}'s order if more than half of it (and 16) is gone. */
  private void trim(Object source, Names s) {
    if (s.order.size() > 2 * s.count + 16) {
      compact(source, s);
    }
  }

  /**
   * Makes room in the full table for a name of {@code source}, if it names fewer than its fair
   * share ({@link #MAX_NAMED_TOTAL} over the sources naming, itself counted): the source naming the
   * most gives up its newest names until one leaves the table. That source names more than the
   * share at each step (the others name more than the table less {@code source}'s names, which are
   * fewer than the share), so a source at or under its share never gives up a name to another. The
   * newest, not the oldest, though it matters little: a flooder's names are all alike, an honest
   * hub over its share has as many of its authors charged either way (a catch-up asks every origin
   * at once), and names stored leave from the older end of a source's order, so the newest end is
   * where its live names are. Each step takes one (source, name) pair away for good, and each name
   * added made at most one, so the steps are as many as the names at most.
   */
  private boolean makeRoom(Object source) {
    while (named.size() >= maxNamedTotal) {
      Names mine = bySource.get(source);
      int count = mine == null ? 0 : mine.count;
      int sources = bySource.size() + (mine == null ? 1 : 0);
      if (count >= maxNamedTotal / sources) {
        return false;
      }
      Object most = null;
      Names top = null;
      for (Map.Entry<Object, Names> e : bySource.entrySet()) {
        if (top == null || e.getValue().count > top.count) {
          most = e.getKey();
          top = e.getValue();
        }
      }
      if (top == null || top == mine) {
        return false; // never: the table holds names, and another source names the most
      }
      takeNewest(most, top);
    }
    return true;
  }

  /** {@code source} gives up its newest name: its links name that origin no more. */
  private void takeNewest(Object source, Names s) {
    for (PeerId origin = s.order.pollLast(); origin != null; origin = s.order.pollLast()) {
      Link[] by = named.get(origin);
      if (by == null) {
        continue; // stored, or its links are down
      }
      int n = 0;
      for (Link x : by) {
        if (x.source.equals(source)) {
          if (--x.namedCount == 0) {
            x.names = new ArrayList<>();
          }
        } else {
          by[n++] = x;
        }
      }
      if (n == by.length) {
        continue; // not the source's any more (its links that named it went down)
      }
      if (n == 0) {
        named.remove(origin);
      } else {
        named.put(origin, Arrays.copyOf(by, n));
      }
      dropped(source, s);
      return;
    }
    bySource.remove(source); // never: a source here names an origin, and its order has it
  }

  /** {@code source} names one origin fewer. */
  private void dropped(Object source, Names s) {
    if (--s.count == 0) {
      bySource.remove(source);
    } else {
      trim(source, s); // (until it was trimmed only as it named more, which a link past its
      // naming minute never does: a source keeping one name held every origin it once named)
    }
  }

  /**
   * Drops from {@code s}'s order the origins {@code source} names no more, and each one's older
   * places (it went and was named again): each compaction drops more than half of what it reads.
   */
  private void compact(Object source, Names s) {
    HashSet<PeerId> kept = new HashSet<>(2 * s.count);
    ArrayList<PeerId> newestFirst = new ArrayList<>(s.count);
    for (Iterator<PeerId> it = s.order.descendingIterator(); it.hasNext(); ) {
      PeerId origin = it.next();
      if (namesIt(source, named.get(origin)) && kept.add(origin)) {
        newestFirst.add(origin);
      }
    }
    // a new deque, not removals in place (each from a deque's middle moves the rest), and sized
    // to what is kept: a cleared one keeps its largest array
    s.order = new ArrayDeque<>(newestFirst.size() + 16);
    for (int i = newestFirst.size() - 1; i >= 0; i--) {
      s.order.addLast(newestFirst.get(i));
    }
  }

  private static boolean namesIt(Object source, Link[] by) {
    if (by != null) {
      for (Link x : by) {
        if (x.source.equals(source)) {
          return true;
        }
      }
    }
    return false;
  }

  private boolean namedBy(PeerId origin, Link l) {
    Link[] by = named.get(origin);
    if (by != null) {
      for (Link x : by) {
        if (x == l) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * {@code origin} is stored now (or was): no link's name of it is needed any more. The room calls
   * it once the unit of work that stored it committed, not when it was {@link #admitted}: a unit
   * that rolls back (a full disk) stores nothing, and the refetch is free again.
   */
  public void stored(PeerId origin) {
    Link[] by = named.remove(origin);
    if (by != null) {
      for (int i = 0; i < by.length; i++) {
        if (--by[i].namedCount == 0) {
          by[i].names = new ArrayList<>(); // all it named is stored: none of its names is needed
        }
        if (firstOfItsSource(by, i)) {
          dropped(by[i].source, bySource.get(by[i].source));
        }
      }
    }
  }

  /** Whether no link before {@code by[i]} is of its source. */
  private static boolean firstOfItsSource(Link[] by, int i) {
    for (int j = 0; j < i; j++) {
      if (by[j].source.equals(by[i].source)) {
        return false;
      }
    }
    return true;
  }

  /**
   * {@code l} went down: its names go, each from the links that name it (the source's count too
   * when no other link of the source names it). Reads {@code l}'s own names only (until session 37
   * every name in the table, up to {@link #MAX_NAMED_TOTAL}, on each close of a link that named
   * one).
   */
  private void forget(Link l) {
    if (l.namedCount == 0) {
      l.names = new ArrayList<>();
      return;
    }
    Object source = l.source;
    Names s = bySource.get(source);
    for (PeerId origin : l.names) {
      forgetVisits++;
      Link[] by = named.get(origin);
      if (by == null) {
        continue; // stored since
      }
      int n = 0;
      boolean sourceStays = false; // another link of the source names it still
      for (Link x : by) {
        if (x != l) {
          by[n++] = x;
          sourceStays |= x.source.equals(source);
        }
      }
      if (n == by.length) {
        continue; // not l's any more (taken for another source's share), or met twice
      }
      if (!sourceStays) {
        s.count--;
      }
      if (n > 0) {
        named.put(origin, Arrays.copyOf(by, n));
      } else {
        named.remove(origin);
      }
    }
    l.names = new ArrayList<>();
    l.namedCount = 0;
    if (s.count == 0) {
      bySource.remove(source);
    } else {
      trim(source, s);
    }
  }

  /** Names read by {@link #forget} since this table was made (tests: a close costs its names). */
  long forgetVisits;

  /** Origins named free by links and not stored yet, across all links (tests). */
  int namedHeld() {
    return named.size();
  }

  /** Origins {@code source}'s links name free and not stored yet (tests). */
  int namedBy(Object source) {
    Names s = bySource.get(source);
    return s == null ? 0 : s.count;
  }

  /** Sources whose links name origins not stored yet (tests). */
  int sourcesNaming() {
    return bySource.size();
  }

  /** The origins in {@code source}'s order of names, the gone ones too (tests: its bound). */
  int orderKept(Object source) {
    Names s = bySource.get(source);
    return s == null ? 0 : s.order.size();
  }

  /**
   * Whether a new origin brought by {@code link} may be admitted at {@code nowMs}: free, or both
   * its source and its network have a new author left in the day. Charges nothing: {@link
   * #admitted} does.
   */
  public boolean allows(Link link, PeerId origin, long nowMs) {
    if (perDay == OFF || link.free(origin)) {
      return true;
    }
    long t = timeOf(nowMs);
    return sources.allows(link.source, t) && networks.allows(link.network, t);
  }

  /**
   * A new origin brought by {@code link} was admitted at {@code nowMs}: charges its source and its
   * network, unless it came free. Its names stay until {@link #stored} (until session 35 they went
   * here, and a unit that rolled back left the refetch of a free author charged to the link's
   * source).
   */
  public void admitted(Link link, PeerId origin, long nowMs) {
    if (perDay == OFF || link.free(origin)) {
      return;
    }
    long t = timeOf(nowMs);
    sources.charge(link.source, t);
    networks.charge(link.network, t);
  }

  /** New authors {@code source} introduced within the day ending at {@code nowMs}. */
  public int spent(Object source, long nowMs) {
    return sources.spent(source, timeOf(nowMs));
  }

  /**
   * New authors the sources of {@code network} introduced within the day ending at {@code nowMs}.
   */
  public int spentByNetwork(Object network, long nowMs) {
    return networks.spent(network, timeOf(nowMs));
  }

  /**
   * Gives back one new author {@link #admitted} charged to {@code link}'s source and network whose
   * message was never stored (its write rolled back): each one's newest admission within the day,
   * which a charge made in the unit of work now rolled back is. Nothing for one forgotten or that
   * spent nothing.
   */
  public void refund(Link link) {
    if (perDay == OFF) {
      return;
    }
    sources.refund(link.source);
    networks.refund(link.network);
  }

  /**
   * Reads the clock ({@code nowMs}) so that this budget's time sees it go back: the room calls it
   * every sync round. A time read only when a new author comes missed a clock put right after a
   * jump forward, and stood still until the clock got back there (years: rev34).
   */
  public void clockRead(long nowMs) {
    timeOf(nowMs);
  }

  /** This budget's time at clock reading {@code nowMs} ({@link ForwardTime}). */
  private long timeOf(long nowMs) {
    return time.at(nowMs);
  }

  /**
   * A budget of {@code perDay} admissions per rolling day for each of at most {@code maxKeys} keys
   * (sources, or networks), the longest unused forgotten into one shared overflow.
   */
  private static final class Budgets {
    private final int perDay;
    private final int maxKeys;
    // each key's admissions within the day, oldest first (at most perDay each)
    private final LinkedHashMap<Object, ArrayDeque<Long>> spent =
        new LinkedHashMap<>(16, 0.75f, true);
    // what the keys forgotten past maxKeys spent, the newest perDay of it: a key not kept may be
    // one of them, so it starts from this, and forgetting a key grants no fresh budget (until
    // session 34 it did: a flooder with more than 4,096 addresses or /64s cycled them)
    private final ArrayDeque<Long> overflow = new ArrayDeque<>();

    Budgets(int perDay, int maxKeys) {
      this.perDay = perDay;
      this.maxKeys = maxKeys;
    }

    boolean allows(Object key, long t) {
      ArrayDeque<Long> s = spent.get(key);
      if (s == null) {
        roll(overflow, t);
        return overflow.size() < perDay; // it may be a key forgotten with its spending
      }
      roll(s, t);
      return s.size() < perDay;
    }

    void charge(Object key, long t) {
      ArrayDeque<Long> s = spent.get(key);
      if (s == null) {
        if (spent.size() >= maxKeys) {
          Iterator<Map.Entry<Object, ArrayDeque<Long>>> it = spent.entrySet().iterator();
          ArrayDeque<Long> gone = it.next().getValue(); // the longest unused
          it.remove();
          roll(gone, t);
          fold(gone);
        }
        roll(overflow, t);
        s = new ArrayDeque<>(overflow); // it may be a key forgotten: it starts where they left
        spent.put(key, s);
      }
      roll(s, t);
      if (s.size() < perDay) {
        s.addLast(t);
      }
    }

    int spent(Object key, long t) {
      ArrayDeque<Long> s = spent.get(key);
      if (s == null) {
        s = overflow; // not kept: it counts as having spent what the forgotten keys did
      }
      roll(s, t);
      return s.size();
    }

    void refund(Object key) {
      ArrayDeque<Long> s = spent.get(key);
      if (s != null && !s.isEmpty()) {
        s.pollLast();
      }
    }

    int kept() {
      return spent.size();
    }

    /**
     * Keeps a forgotten key's admissions in {@link #overflow}: the newest {@code perDay} of all the
     * forgotten keys' admissions, so that within any day it counts at least min(perDay, what any
     * one of them spent), and a key not kept, which may be one of them, starts from it.
     */
    private void fold(ArrayDeque<Long> gone) {
      if (gone.isEmpty()) {
        return; // spent nothing within the day: forgetting it grants nothing
      }
      ArrayDeque<Long> merged = new ArrayDeque<>(Math.min(perDay, overflow.size() + gone.size()));
      while (!overflow.isEmpty() || !gone.isEmpty()) { // both oldest first: time never goes back
        ArrayDeque<Long> next =
            gone.isEmpty() || (!overflow.isEmpty() && overflow.peekFirst() <= gone.peekFirst())
                ? overflow
                : gone;
        merged.addLast(next.pollFirst());
        if (merged.size() > perDay) {
          merged.pollFirst();
        }
      }
      overflow.addAll(merged);
    }

    /** Drops the admissions over a day old at this budget's time {@code t}. */
    private static void roll(ArrayDeque<Long> s, long t) {
      while (!s.isEmpty() && t - DAY_MS < t && s.peekFirst() <= t - DAY_MS) {
        s.pollFirst();
      }
    }
  }

  /** Networks with a budget kept (tests). */
  int networksKept() {
    return networks.kept();
  }

  /** Sources with a budget kept (tests). */
  int sourcesKept() {
    return sources.kept();
  }
}
