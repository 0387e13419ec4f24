package meshchat.peer.discovery;

import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import meshchat.peer.message.Hosts;
import meshchat.peer.message.LinkMessage.PeerAddress;
import meshchat.peer.message.PeerId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The peers this data dir has met, per room, so that a restarted peer finds its room with no
 * tracker at all: on start it dials every cached peer of its room, and any one that answers hands
 * it the rest by peer exchange (PeerList). Fed by links that came up (verified addresses), tracker
 * members and PeerList entries.
 *
 * <p>The file ({@code <data>/peers}) is plain text, one peer per line, tab-separated: {@code room
 * peer-id-hex host port last-seen-ms nick}, with room, host and nick URL-encoded so that no field
 * holds a tab or newline (a host is also taken only if {@link Hosts#plausible}: a member chooses
 * its own, and a raw one with a newline wrote lines of the member's choosing, rev27 F1). A
 * last-seen time past the file's reading is read as that moment, so no line can pin itself against
 * {@link #trim}. It is a hint, not a record: bounded to {@link #MAX_ENTRIES} (the least recently
 * seen are dropped), rewritten whole through a temp file and an atomic rename so a crash leaves the
 * old or the new file, never half of one, and not fsynced (losing the last update costs at most a
 * dial). A file that does not parse is reported in one line and ignored (it is rewritten when the
 * next peer is met), never a crash.
 *
 * <p>Not thread-safe: the node calls it on its room thread only.
 */
public final class PeerCache {
  /** Enough for any room a person chats in; keeps the file and the start-up dials small. */
  public static final int MAX_ENTRIES = 128;

  private static final Logger log = LoggerFactory.getLogger(PeerCache.class);
  private static final String HEADER = "# meshchat peer cache v1: room peer host port seen-ms nick";

  /** One cached peer. */
  public record Entry(String room, PeerAddress address, long lastSeenMs) {}

  private final Path file;
  private final Map<String, Entry> entries = new LinkedHashMap<>(); // key: room + '\t' + peer hex
  private boolean writeFailed;

  private PeerCache(Path file) {
    this.file = file;
  }

  /** A cache that remembers nothing and writes nothing (no data dir). */
  public static PeerCache none() {
    return new PeerCache(null);
  }

  /**
   * Reads {@code file}; a missing file is an empty cache. A file that cannot be read or parsed is
   * told to {@code problem} in one line and the cache starts empty.
   */
  public static PeerCache load(Path file, Consumer<String> problem) {
    return load(file, problem, System.currentTimeMillis());
  }

  /** As above, reading at {@code nowMs}. */
  static PeerCache load(Path file, Consumer<String> problem, long nowMs) {
    PeerCache c = new PeerCache(file);
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return c;
    } catch (IOException | RuntimeException e) {
      problem.accept("peer cache " + file + " is unreadable (" + e.getMessage() + "); ignored");
      return c;
    }
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Entry e = parse(line, nowMs);
      if (e == null) {
        problem.accept("peer cache " + file + " is corrupt at line " + (i + 1) + "; ignored");
        c.entries.clear();
        return c;
      }
      c.put(e);
    }
    c.trim();
    return c;
  }

  private static Entry parse(String line, long nowMs) {
    String[] f = line.split("\t", -1);
    if (f.length != 6) {
      return null;
    }
    try {
      String room = URLDecoder.decode(f[0], StandardCharsets.UTF_8);
      PeerId id = PeerId.fromHex(f[1]);
      String host = URLDecoder.decode(f[2], StandardCharsets.UTF_8);
      int port = Integer.parseInt(f[3]);
      long seen = Long.parseLong(f[4]);
      String nick = URLDecoder.decode(f[5], StandardCharsets.UTF_8);
      if (room.isEmpty() || !Hosts.plausible(host) || port <= 0 || port > 65535 || seen < 0) {
        return null;
      }
      return new Entry(room, new PeerAddress(id, nick, host, port), Math.min(seen, nowMs));
    } catch (RuntimeException e) {
      return null; // bad hex, number or escape
    }
  }

  /** The cached peers of {@code room}, most recently seen first. */
  public List<PeerAddress> peers(String room) {
    List<Entry> es = new ArrayList<>();
    for (Entry e : entries.values()) {
      if (e.room().equals(room)) {
        es.add(e);
      }
    }
    es.sort(Comparator.comparingLong(Entry::lastSeenMs).reversed());
    List<PeerAddress> out = new ArrayList<>(es.size());
    es.forEach(e -> out.add(e.address()));
    return out;
  }

  public int size() {
    return entries.size();
  }

  /**
   * {@code address} was met in {@code room} at {@code nowMs}. The file is rewritten only when
   * something a dial needs changed (a new peer, host, port or nick), not for a fresher timestamp
   * alone: links flap, and the room thread should not write a file each time.
   */
  public void seen(String room, PeerAddress address, long nowMs) {
    if (file == null || address.port() <= 0 || !Hosts.plausible(address.host())) {
      return;
    }
    String key = room + '\t' + address.peerId().hex();
    Entry old = entries.get(key);
    put(new Entry(room, address, nowMs));
    if (old == null || !old.address().equals(address)) {
      trim();
      flush();
    }
  }

  /** Writes the cache if it has a file: temp file, then atomic rename over the old one. */
  public void flush() {
    if (file == null) {
      return;
    }
    StringBuilder sb = new StringBuilder(HEADER).append('\n');
    for (Entry e : entries.values()) {
      PeerAddress a = e.address();
      sb.append(URLEncoder.encode(e.room(), StandardCharsets.UTF_8))
          .append('\t')
          .append(a.peerId().hex())
          .append('\t')
          .append(URLEncoder.encode(a.host(), StandardCharsets.UTF_8))
          .append('\t')
          .append(a.port())
          .append('\t')
          .append(e.lastSeenMs())
          .append('\t')
          .append(URLEncoder.encode(a.nick(), StandardCharsets.UTF_8))
          .append('\n');
    }
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      Files.writeString(tmp, sb, StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      writeFailed = false;
    } catch (IOException | RuntimeException e) {
      if (!writeFailed) { // once per failure streak: the chat goes on without the cache
        log.warn("cannot write peer cache {}: {}", file, e.toString());
        writeFailed = true;
      }
    }
  }

  private void put(Entry e) {
    String key = e.room() + '\t' + e.address().peerId().hex();
    entries.remove(key); // re-insert: iteration order is then least recently seen first
    entries.put(key, e);
  }

  private void trim() {
    if (entries.size() <= MAX_ENTRIES) {
      return;
    }
    List<Map.Entry<String, Entry>> all = new ArrayList<>(entries.entrySet());
    all.sort(Comparator.comparingLong(x -> x.getValue().lastSeenMs()));
    for (int i = 0; i < all.size() - MAX_ENTRIES; i++) {
      entries.remove(all.get(i).getKey());
    }
  }
}
