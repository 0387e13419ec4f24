package meshchat.peer.nick;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
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
 * ａｌｉｃｅ} (fullwidth) are the same claim as {@code alice}. Only authenticated sources may call
 * {@link #see}: signed messages and Hellos over links bound to the key.
 *
 * <p>Bounded: at most {@link #MAX_NICKS} nicks (the least recently seen is forgotten first, never
 * one the user trusted by hand), {@link #MAX_CLAIMANTS} keys per nick per session, and {@link
 * #MAX_FIRST_PER_KEY} nicks a key holds by first use: past it the key's own oldest is forgotten, so
 * one key's flood of nicks (every signed line names one) never pushes another key's nick out of the
 * book and takes it over (rev27). Thread-safe; {@code changed} runs (under the lock, so it must
 * only schedule) whenever {@link #lines} would differ in what it remembers.
 */
public final class NickBook {
  public static final int MAX_NICKS = 10_000;
  public static final int MAX_CLAIMANTS = 16;
  public static final int MAX_FIRST_PER_KEY = 16;
  static final int SHORT = 4;

  /** How a (nick, key) pair is shown. */
  public record Label(String nick, String fingerprint, boolean trusted, boolean firstWarning) {
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
    final Map<PeerId, Pin> pins = new LinkedHashMap<>();
    final Set<PeerId> claimants = new LinkedHashSet<>(); // this session
    final Set<PeerId> warned = new LinkedHashSet<>();

    Entry(String nick) {
      this.nick = nick;
    }

    boolean pinnedByUser() {
      return pins.values().stream().anyMatch(Pin::byUser);
    }
  }

  // access order: the eldest entry is the least recently seen, forgotten first when full
  private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(64, 0.75f, true);
  private final Runnable changed;
  // each key's nicks held by first use (not by the user's trust), by comparison key, oldest first
  private final Map<PeerId, LinkedHashSet<String>> firstUse = new HashMap<>();

  public NickBook(Runnable changed) {
    this.changed = changed;
  }

  /**
   * The comparison key of a nick: NFKC, lower case (root locale), trimmed, without the code points
   * a terminal draws as nothing ({@link Ignorable}), before and after normalizing.
   */
  public static String key(String nick) {
    String k = Normalizer.normalize(Ignorable.strip(nick), Normalizer.Form.NFKC);
    return Ignorable.strip(k).toLowerCase(Locale.ROOT).strip();
  }

  /**
   * {@code peer} was seen using {@code nick} (a signed message, a Hello): remembered if the nick is
   * new, and labelled. {@link Label#firstWarning} is true the first time this session that a key
   * not remembered for the nick uses it.
   */
  public synchronized Label see(PeerId peer, String nick, long nowMs) {
    String k = key(nick);
    Entry e = entries.get(k);
    if (e == null) {
      e = new Entry(nick);
      e.pins.put(peer, new Pin(nowMs, false));
      makeRoom();
      entries.put(k, e);
      pinnedFirst(peer, k);
      changed.run();
    }
    if (e.claimants.size() < MAX_CLAIMANTS) {
      e.claimants.add(peer);
    }
    boolean trusted = e.pins.containsKey(peer);
    boolean warn = !trusted && e.warned.size() < MAX_CLAIMANTS && e.warned.add(peer);
    return label(e, peer, nick, warn);
  }

  /** The label without remembering anything: for names from unauthenticated lists (/who). */
  public synchronized Label peek(PeerId peer, String nick) {
    Entry e = entries.get(key(nick));
    return e == null ? new Label(nick, null, true, false) : label(e, peer, nick, false);
  }

  private Label label(Entry e, PeerId peer, String nick, boolean warn) {
    boolean trusted = e.pins.containsKey(peer);
    Set<PeerId> keys = new LinkedHashSet<>(e.pins.keySet());
    keys.addAll(e.claimants);
    keys.add(peer);
    boolean shown = !trusted || e.pins.size() > 1 || keys.size() > 1;
    return new Label(nick, shown ? fingerprint(peer, keys) : null, trusted, warn);
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
    Entry e = entries.get(key(nick));
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
    Entry e = entries.get(key(nick));
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
    if (candidates.size() > 1 && p.isEmpty()) {
      return new Trusted(
          List.of(),
          candidates.size()
              + " untrusted keys use "
              + nick
              + "; say which: /trust "
              + nick
              + " FINGERPRINT (see /whois "
              + nick
              + ")");
    }
    for (PeerId c : candidates) {
      e.pins.put(c, new Pin(nowMs, true));
      e.warned.remove(c);
    }
    changed.run();
    return new Trusted(List.copyOf(candidates), null);
  }

  public synchronized int size() {
    return entries.size();
  }

  private void makeRoom() {
    Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator();
    while (entries.size() >= MAX_NICKS && it.hasNext()) {
      Map.Entry<String, Entry> next = it.next();
      if (!next.getValue().pinnedByUser()) {
        it.remove();
        next.getValue().pins.keySet().forEach(p -> unpinnedFirst(p, next.getKey()));
      }
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
      if (old != null) {
        old.pins.remove(peer);
        if (old.pins.isEmpty()) {
          entries.remove(oldest);
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
      String n = URLEncoder.encode(e.nick, StandardCharsets.UTF_8);
      e.pins.forEach(
          (p, pin) ->
              out.add(
                  n
                      + " "
                      + p.hex()
                      + " "
                      + (pin.byUser() ? "trusted" : "first")
                      + " "
                      + pin.sinceMs()));
    }
    return out;
  }

  /**
   * Restores what {@link #lines} wrote; returns how many lines were not understood and skipped
   * (comments and blank lines are not counted).
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
        if (f.length != 4 || !(f[2].equals("first") || f[2].equals("trusted"))) {
          throw new IllegalArgumentException(l);
        }
        String nick = URLDecoder.decode(f[0], StandardCharsets.UTF_8);
        PeerId peer = PeerId.fromHex(f[1]);
        long since = Long.parseLong(f[3]);
        Entry e = entries.get(key(nick));
        if (e == null) {
          makeRoom();
          e = new Entry(nick);
          entries.put(key(nick), e);
        }
        boolean byUser = f[2].equals("trusted");
        if (e.pins.putIfAbsent(peer, new Pin(since, byUser)) == null && !byUser) {
          pinnedFirst(peer, key(nick));
        }
      } catch (IllegalArgumentException ex) {
        bad++;
      }
    }
    return bad;
  }
}
