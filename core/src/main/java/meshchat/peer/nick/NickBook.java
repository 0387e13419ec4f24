package meshchat.peer.nick;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import meshchat.peer.message.PeerId;

/**
 * Trust on first use for nicks, as SSH's known_hosts does for hosts: the first key (peer id, the
 * fingerprint of an Ed25519 key) seen using a nick is remembered for it; another key using that
 * nick later is flagged on every line until the user trusts it ({@link #trust}). Within a session,
 * a nick used by two keys, or by a key not remembered for it, is shown with a short fingerprint
 * ({@code alice·3f2a}), as Matrix disambiguates display names; the fingerprint grows until it tells
 * the keys of that nick apart.
 *
 * <p>Nicks compare after NFKC normalization, case folding and trimming, so {@code Alice} and {@code
 * ａｌｉｃｅ} (fullwidth) are the same claim as {@code alice}. A nick new to the book that only looks
 * like one it holds ({@link Confusables}: Cyrillic {@code аlice}, {@code rnallory} for {@code
 * mallory}, {@code aIice} with a capital I) is a claim on that nick too, so another key's
 * look-alike is shown with its fingerprint and flagged like any other key using the nick. Only
 * authenticated sources may call {@link #see}: signed messages and Hellos over links bound to the
 * key.
 *
 * <p>Bounded: at most {@link #MAX_NICKS} nicks (one not seen for {@link #STALE_MS} is forgotten
 * first, else the one learned last, never one the user trusted by hand), {@link #MAX_CLAIMANTS}
 * keys per nick per session, and {@link #MAX_FIRST_PER_KEY} nicks a key holds by first use: past it
 * the key's own oldest is forgotten, so one key's flood of nicks (every signed line names one)
 * never pushes another key's nick out of the book and takes it over (rev27). Thread-safe; {@code
 * changed} runs (under the lock, so it must only schedule) whenever {@link #lines} would differ in
 * what it remembers, and is handed the change as journal lines ({@link #restore} replays them after
 * the lines of a {@link #lines} snapshot): a pin line as {@link #lines} writes it, or {@code
 * !forget NICK PEER-ID} for a pin forgotten (a URL-encoded nick never holds a bare {@code !}), so a
 * file of them can be appended to rather than rewritten whole for each new nick (session 29).
 */
public final class NickBook {
  public static final int MAX_NICKS = 10_000;
  public static final int MAX_CLAIMANTS = 16;
  public static final int MAX_FIRST_PER_KEY = 16;

  /**
   * When the book is full, a nick not seen for this long (30 days) is forgotten first; else the
   * nick the book learned last. So a flood of nicks from any number of keys only churns itself and
   * what came after it, and never pushes out a nick seen before it (rev29).
   */
  public static final long STALE_MS = 30L * 24 * 60 * 60 * 1000;

  static final int SHORT = 4;

  /**
   * How a (nick, key) pair is shown. {@code heldAs} is the nick as the book first saw it: {@code
   * nick} itself, or in another case or spelling, or the nick that {@code nick} looks like.
   */
  public record Label(
      String nick, String fingerprint, boolean trusted, boolean firstWarning, String heldAs) {
    /** {@code alice}, or {@code alice·3f2a} when the fingerprint is shown. */
    public String text() {
      return fingerprint == null ? nick : nick + "·" + fingerprint;
    }
  }

  /** One key known for a nick, for {@code /whois}. */
  public record Key(PeerId peer, boolean trusted, boolean byUser, long sinceMs, boolean seenNow) {}

  /** What {@code /trust} did: the keys now trusted, or why nothing was. */
  public record Trusted(List<PeerId> keys, String problem) {}

  private record Pin(long sinceMs, boolean byUser) {}

  private static final class Entry {
    final String nick; // as first seen
    final Set<String>
        looks; // its skeletons (looks(nick)), each in lookalikes unless another had it
    final Map<PeerId, Pin> pins = new LinkedHashMap<>();
    final Set<PeerId> claimants = new LinkedHashSet<>(); // this session
    final Set<PeerId> warned = new LinkedHashSet<>();
    String key; // its comparison key in entries
    long added; // its place in byAdded
    long seenMs; // when a key was last seen using it this session, else UNSEEN

    Entry(String nick, long seenMs) {
      this.nick = nick;
      this.looks = looks(nick);
      this.seenMs = seenMs;
    }

    boolean pinnedByUser() {
      return pins.values().stream().anyMatch(Pin::byUser);
    }
  }

  // access order: the eldest entry is the least recently seen, forgotten first when full
  private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(64, 0.75f, true);
  // skeleton -> the comparison key of the entry that has it (at most 3 per entry)
  private final Map<String, String> lookalikes = new HashMap<>();
  // comparison key of a nick with no entry of its own -> the key of the entry it looks like: a
  // look-alike's every line is not skeletonized again; emptied whenever an entry goes
  private final Map<String, String> aliases = new HashMap<>();
  private final Consumer<List<String>> changed;
  // the journal lines of the change being made (under the lock), handed to changed at its end
  private List<String> delta = new ArrayList<>();
  public static final String FORGET = "!forget";
  // each key's nicks held by first use (not by the user's trust), by comparison key, oldest first
  private final Map<PeerId, LinkedHashSet<String>> firstUse = new HashMap<>();
  // the entries in the order the book learned them, by Entry.added: the newest forgotten first
  private final TreeMap<Long, Entry> byAdded = new TreeMap<>();
  private long nextAdded;

  public NickBook(Runnable changed) {
    this(lines -> changed.run());
  }

  /** As {@link #NickBook(Runnable)}; {@code changed} is handed each change's journal lines. */
  public NickBook(Consumer<List<String>> changed) {
    this.changed = changed;
  }

  /** Ends a change: its journal lines go to {@code changed}, if it made any. */
  private void emit() {
    if (!delta.isEmpty()) {
      List<String> lines = delta;
      delta = new ArrayList<>();
      changed.accept(lines);
    }
  }

  private static String pinLine(String nick, PeerId peer, boolean byUser, long sinceMs) {
    return URLEncoder.encode(nick, StandardCharsets.UTF_8)
        + " "
        + peer.hex()
        + " "
        + (byUser ? "trusted" : "first")
        + " "
        + sinceMs;
  }

  private void forgot(Entry e, PeerId peer) {
    delta.add(FORGET + " " + URLEncoder.encode(e.nick, StandardCharsets.UTF_8) + " " + peer.hex());
  }

  /**
   * The comparison key of a nick: NFKC, lower case (root locale), trimmed, without the code points
   * a terminal draws as nothing ({@link Ignorable}), before and after normalizing.
   */
  public static String key(String nick) {
    String k = Normalizer.normalize(Ignorable.strip(nick), Normalizer.Form.NFKC);
    return blanks(Ignorable.strip(k)).toLowerCase(Locale.ROOT).strip();
  }

  /**
   * {@code s} with the symbols a terminal draws as a blank, though Unicode calls them neither
   * whitespace nor ignorable, made spaces: the braille pattern blank (U+2800). So {@code alice}
   * with one before or after it is {@code alice} (rev29).
   */
  static String blanks(String s) {
    return s.indexOf('\u2800') < 0 ? s : s.replace('\u2800', ' ');
  }

  /**
   * {@code skeleton} without a combining dot above (U+0307) on a letter whose own dot or stem it
   * hides in a terminal's font: i, j, l and the dotless i and j (U+0131, U+0237; made i and j).
   * TR39's skeleton keeps combining marks, so "al", a dotless i, U+0307, "ce" and "ali", U+0307,
   * "ce", both drawn as {@code alice}, would pass as nicks of their own (rev29).
   */
  static String dots(String skeleton) {
    if (skeleton.indexOf('\u0307') < 0) {
      return skeleton;
    }
    StringBuilder out = new StringBuilder(skeleton.length());
    for (int i = 0; i < skeleton.length(); i++) {
      char c = skeleton.charAt(i);
      char next = i + 1 < skeleton.length() ? skeleton.charAt(i + 1) : 0;
      boolean dotted = next == '\u0307' && "ijl\u0131\u0237".indexOf(c) >= 0;
      out.append(c == '\u0131' && dotted ? 'i' : c == '\u0237' && dotted ? 'j' : c);
      if (dotted) {
        i++; // the dot
        while (i + 1 < skeleton.length() && skeleton.charAt(i + 1) == '\u0307') {
          i++; // and any more of it
        }
      }
    }
    return out.toString();
  }

  /**
   * What a nick is compared by for look-alikes: the {@link Confusables#skeleton}s of the nick
   * (after NFKC, without ignorables) as typed, lower-cased and upper-cased, each lower-cased and
   * skeletonized again. TR39 is case-sensitive ("I" looks like "l", "i" does not) while nicks are
   * not, so one form cannot hold every case.
   */
  static Set<String> looks(String nick) {
    String n =
        blanks(Ignorable.strip(Normalizer.normalize(Ignorable.strip(nick), Normalizer.Form.NFKC)));
    Set<String> out = new LinkedHashSet<>(4);
    for (String v : List.of(n, n.toLowerCase(Locale.ROOT), n.toUpperCase(Locale.ROOT))) {
      String once = Confusables.skeleton(v).toLowerCase(Locale.ROOT);
      String twice = Ignorable.strip(Confusables.skeleton(once)).toLowerCase(Locale.ROOT);
      out.add(blanks(dots(twice)).strip());
    }
    return out;
  }

  /** The entry for {@code nick}: its own, else one it looks like, else null. */
  private Entry find(String k, String nick) {
    Entry e = entries.get(k);
    if (e != null || lookalikes.isEmpty()) {
      return e;
    }
    String known = aliases.get(k);
    if (known != null) {
      return entries.get(known);
    }
    for (String look : looks(nick)) {
      String other = lookalikes.get(look);
      if (other != null) {
        if (aliases.size() >= MAX_NICKS) {
          aliases.clear();
        }
        aliases.put(k, other);
        return entries.get(other);
      }
    }
    return null;
  }

  private void add(String k, Entry e, long nowMs) {
    makeRoom(nowMs);
    e.key = k;
    e.added = nextAdded++;
    byAdded.put(e.added, e);
    entries.put(k, e);
    aliases.remove(k);
    for (String look : e.looks) {
      lookalikes.putIfAbsent(look, k);
    }
  }

  private void removed(String k, Entry e) {
    byAdded.remove(e.added, e);
    for (String look : e.looks) {
      lookalikes.remove(look, k);
    }
    aliases.clear();
  }

  /**
   * {@code peer} was seen using {@code nick} (a signed message, a Hello): remembered if the nick is
   * new, and labelled. {@link Label#firstWarning} is true the first time this session that a key
   * not remembered for the nick uses it.
   */
  public synchronized Label see(PeerId peer, String nick, long nowMs) {
    String k = key(nick);
    Entry e = find(k, nick);
    if (e == null) {
      e = new Entry(nick, nowMs);
      e.pins.put(peer, new Pin(nowMs, false));
      // what it pushes out is journaled before its pin, so that a replay forgets the same pins
      // and never has to choose a victim of its own (its order of first use may differ)
      add(k, e, nowMs);
      pinnedFirst(peer, k);
      delta.add(pinLine(nick, peer, false, nowMs));
      emit();
    }
    e.seenMs = Math.max(e.seenMs, nowMs);
    if (e.claimants.size() < MAX_CLAIMANTS) {
      e.claimants.add(peer);
    }
    boolean trusted = e.pins.containsKey(peer);
    boolean warn = !trusted && e.warned.size() < MAX_CLAIMANTS && e.warned.add(peer);
    return label(e, peer, nick, warn);
  }

  /** The label without remembering anything: for names from unauthenticated lists (/who). */
  public synchronized Label peek(PeerId peer, String nick) {
    Entry e = find(key(nick), nick);
    return e == null ? new Label(nick, null, true, false, nick) : label(e, peer, nick, false);
  }

  private Label label(Entry e, PeerId peer, String nick, boolean warn) {
    boolean trusted = e.pins.containsKey(peer);
    Set<PeerId> keys = new LinkedHashSet<>(e.pins.keySet());
    keys.addAll(e.claimants);
    keys.add(peer);
    boolean shown = !trusted || e.pins.size() > 1 || keys.size() > 1;
    return new Label(nick, shown ? fingerprint(peer, keys) : null, trusted, warn, e.nick);
  }

  /** The shortest hex prefix of {@code peer}'s id (at least 4 digits) no other key shares. */
  static String fingerprint(PeerId peer, Set<PeerId> among) {
    String hex = peer.hex();
    int n = Math.min(SHORT, hex.length());
    for (PeerId other : among) {
      if (!other.equals(peer)) {
        String o = other.hex();
        int common = 0;
        while (common < hex.length()
            && common < o.length()
            && hex.charAt(common) == o.charAt(common)) {
          common++;
        }
        n = Math.max(n, Math.min(hex.length(), common + 1));
      }
    }
    return hex.substring(0, n);
  }

  /** Every key known for {@code nick}: those remembered first, then others seen this session. */
  public synchronized List<Key> whois(String nick) {
    Entry e = find(key(nick), nick);
    List<Key> out = new ArrayList<>();
    if (e == null) {
      return out;
    }
    e.pins.forEach(
        (p, pin) ->
            out.add(new Key(p, true, pin.byUser(), pin.sinceMs(), e.claimants.contains(p))));
    for (PeerId p : e.claimants) {
      if (!e.pins.containsKey(p)) {
        out.add(new Key(p, false, false, -1, true));
      }
    }
    return out;
  }

  /**
   * Trusts the keys seen this session using {@code nick} that are not trusted yet, or only those
   * whose id starts with {@code prefix} (hex, may be empty). Several candidates and no prefix is
   * refused: the user must say which one.
   */
  public synchronized Trusted trust(String nick, String prefix, long nowMs) {
    Entry e = find(key(nick), nick);
    if (e == null) {
      return new Trusted(List.of(), "no key seen for " + nick);
    }
    String p = prefix.toLowerCase(Locale.ROOT);
    List<PeerId> candidates = new ArrayList<>();
    for (PeerId c : e.claimants) {
      if (!e.pins.containsKey(c) && c.hex().startsWith(p)) {
        candidates.add(c);
      }
    }
    if (candidates.isEmpty()) {
      return new Trusted(
          List.of(),
          p.isEmpty()
              ? "every key seen for " + nick + " is trusted already"
              : "no untrusted key of " + nick + " starts with " + p);
    }
    if (candidates.size() > 1) {
      // a prefix that names more than one key names none: another key may have been ground to
      // share the digits the user checked (rev29); the user gives more of them
      return new Trusted(
          List.of(),
          candidates.size()
              + " untrusted keys use "
              + nick
              + (p.isEmpty() ? "" : " and start with " + p)
              + "; say which: /trust "
              + nick
              + " FINGERPRINT, "
              + (p.isEmpty() ? "" : "longer, ")
              + "as /whois "
              + nick
              + " shows it");
    }
    for (PeerId c : candidates) {
      e.pins.put(c, new Pin(nowMs, true));
      e.warned.remove(c);
      delta.add(pinLine(e.nick, c, true, nowMs));
    }
    emit();
    return new Trusted(List.copyOf(candidates), null);
  }

  public synchronized int size() {
    return entries.size();
  }

  synchronized int lookalikeCount() {
    return lookalikes.size();
  }

  // makeRoom's clock while restoring: the file lists the least recently seen first, and an
  // over-full file drops those
  private static final long RESTORING = Long.MIN_VALUE;
  // an entry restored from the file and not seen since: the file keeps no last-seen time, so such
  // a nick is never stale (a flood right after a restart must not reach a member's old pin)
  private static final long UNSEEN = Long.MIN_VALUE;

  /**
   * Forgets nicks until one more fits, never one the user trusted by hand: the least recently seen
   * if it was seen this session but not for {@link #STALE_MS} (or the book is being restored), else
   * the one the book learned last.
   */
  private void makeRoom(long nowMs) {
    while (entries.size() >= MAX_NICKS) {
      Map.Entry<String, Entry> victim = null;
      for (Map.Entry<String, Entry> lru : entries.entrySet()) {
        if (!lru.getValue().pinnedByUser()) {
          long seen = lru.getValue().seenMs;
          if (nowMs == RESTORING || (seen != UNSEEN && nowMs - seen >= STALE_MS)) {
            victim = lru;
          }
          break;
        }
      }
      if (victim == null) {
        for (Entry e : byAdded.descendingMap().values()) {
          if (!e.pinnedByUser()) {
            victim = Map.entry(e.key, e);
            break;
          }
        }
      }
      if (victim == null) {
        return; // every nick was trusted by hand
      }
      String k = victim.getKey();
      Entry gone = victim.getValue();
      entries.remove(k);
      gone.pins.keySet().forEach(p -> forgot(gone, p));
      removed(k, gone);
      gone.pins.keySet().forEach(p -> unpinnedFirst(p, k));
    }
  }

  /**
   * {@code peer} now holds nick key {@code k} by first use: past {@link #MAX_FIRST_PER_KEY}, its
   * own oldest such nick is forgotten (the nick with it, if no other key holds it).
   */
  private void pinnedFirst(PeerId peer, String k) {
    LinkedHashSet<String> mine = firstUse.computeIfAbsent(peer, p -> new LinkedHashSet<>());
    mine.add(k);
    if (mine.size() > MAX_FIRST_PER_KEY) {
      String oldest = mine.iterator().next();
      mine.remove(oldest);
      Entry old = entries.get(oldest);
      if (old != null && old.pins.remove(peer) != null) {
        forgot(old, peer);
        if (old.pins.isEmpty()) {
          entries.remove(oldest);
          removed(oldest, old);
        }
      }
    }
  }

  private void unpinnedFirst(PeerId peer, String k) {
    LinkedHashSet<String> mine = firstUse.get(peer);
    if (mine != null && mine.remove(k) && mine.isEmpty()) {
      firstUse.remove(peer);
    }
  }

  /**
   * What the book remembers, one line per (nick, key), least recently seen nick first: {@code NICK
   * PEER-ID first|trusted SINCE-MS}, the nick URL-encoded so that any nick is one token.
   */
  public synchronized List<String> lines() {
    List<String> out = new ArrayList<>();
    for (Entry e : entries.values()) {
      e.pins.forEach((p, pin) -> out.add(pinLine(e.nick, p, pin.byUser(), pin.sinceMs())));
    }
    return out;
  }

  /**
   * Restores what {@link #lines} wrote, and replays the journal lines after it; returns how many
   * lines were not understood and skipped (comments and blank lines are not counted). Replaying a
   * line twice changes nothing.
   */
  public synchronized int restore(List<String> lines) {
    int bad = 0;
    for (String line : lines) {
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("#")) {
        continue;
      }
      String[] f = l.split(" ");
      try {
        if (f.length == 3 && f[0].equals(FORGET)) {
          replayForget(URLDecoder.decode(f[1], StandardCharsets.UTF_8), PeerId.fromHex(f[2]));
          continue;
        }
        if (f.length != 4 || !(f[2].equals("first") || f[2].equals("trusted"))) {
          throw new IllegalArgumentException(l);
        }
        String nick = URLDecoder.decode(f[0], StandardCharsets.UTF_8);
        PeerId peer = PeerId.fromHex(f[1]);
        long since = Long.parseLong(f[3]);
        Entry e = entries.get(key(nick));
        if (e == null) {
          e = new Entry(nick, UNSEEN);
          add(key(nick), e, RESTORING);
        }
        boolean byUser = f[2].equals("trusted");
        if (byUser) {
          e.pins.put(peer, new Pin(since, true)); // a key trusted by hand later: the pin is now
        } else if (e.pins.putIfAbsent(peer, new Pin(since, false)) == null) {
          pinnedFirst(peer, key(nick));
        }
      } catch (IllegalArgumentException ex) {
        bad++;
      }
    }
    delta.clear(); // what the bounds forgot while restoring is no change to write
    return bad;
  }

  /** A journal's {@code !forget}: the pin goes, and the nick with it if no other key holds it. */
  private void replayForget(String nick, PeerId peer) {
    String k = key(nick);
    Entry e = entries.get(k);
    if (e == null || e.pins.remove(peer) == null) {
      return;
    }
    unpinnedFirst(peer, k);
    if (e.pins.isEmpty()) {
      entries.remove(k);
      removed(k, e);
    }
  }
}
