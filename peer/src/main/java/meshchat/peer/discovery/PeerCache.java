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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import meshchat.peer.message.Hosts;
import meshchat.peer.message.LinkMessage.PeerAddress;
import meshchat.peer.message.PeerId;
import meshchat.wire.NetGroup;
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
 * {@link #trim}. It is a hint, not a record: bounded to {@link #MAX_ENTRIES}, and to {@link
 * #MAX_PER_SOURCE} per room from one network (an IPv4 address or IPv6 /48, {@link NetGroup#site}: a
 * /48 is 65,536 /64s, each of which held its own 8 until session 37), the least recently seen
 * dropped first but peers linked right now last (their last-seen is now): keys cost nothing, so a
 * stranger's many keys on a few addresses cannot push every honest peer out (rev29 F5; membership,
 * for its part, hands over only peers the tracker named or whose link stood a while). It is
 * rewritten whole through a temp file and an atomic rename so a crash leaves the old or the new
 * file, never half of one, and not fsynced (losing the last update costs at most a dial); the write
 * runs on a writer thread shared by the JVM's caches, never the room thread: the room thread hands
 * it a snapshot, and changes while one write is queued fold into it (at most one write in flight
 * and one queued per cache). A file that does not parse is reported in one line and ignored (it is
 * rewritten when the next peer is met), never a crash.
 *
 * <p>Not thread-safe: the node calls it on its room thread only (the writer reads snapshots).
 */
public final class PeerCache {
  /** Enough for any room a person chats in; keeps the file and the start-up dials small. */
  public static final int MAX_ENTRIES = 128;

  /**
   * Most entries of one room from one network (an IPv4 address or IPv6 /48, {@link NetGroup#site}):
   * a sixteenth of the cache.
   */
  public static final int MAX_PER_SOURCE = 8;

  /** The writer of every cache of this JVM: one daemon thread, idle but for a rewrite. */
  private static final ExecutorService WRITER =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "peer-cache-writer");
            t.setDaemon(true);
            return t;
          });

  private static final Logger log = LoggerFactory.getLogger(PeerCache.class);
  private static final String HEADER = "# meshchat peer cache v1: room peer host port seen-ms nick";

  /** One cached peer. */
  public record Entry(String room, PeerAddress address, long lastSeenMs) {}

  private final Path file;
  private final Executor writer;
  private final Map<String, Entry> entries = new LinkedHashMap<>(); // key: room + '\t' + peer hex
  private final Set<String> linked = new HashSet<>(); // keys of the peers linked right now
  private final AtomicReference<Snapshot> pending = new AtomicReference<>(); // the newest text
  private final AtomicBoolean queued = new AtomicBoolean();
  private final Object writing = new Object(); // one write of this file at a time
  private long snapshots; // room thread: numbers each snapshot
  private long written; // guarded by writing: the newest snapshot on disk
  private volatile boolean writeFailed;

  private PeerCache(Path file, Executor writer) {
    this.file = file;
    this.writer = writer;
  }

  /** A cache that remembers nothing and writes nothing (no data dir). */
  public static PeerCache none() {
    return new PeerCache(null, Runnable::run);
  }

  /**
   * Reads {@code file}; a missing file is an empty cache. A file that cannot be read or parsed is
   * told to {@code problem} in one line and the cache starts empty.
   */
  public static PeerCache load(Path file, Consumer<String> problem) {
    return load(file, problem, System.currentTimeMillis(), WRITER);
  }

  /** As above, reading at {@code nowMs}, writing on {@code writer}. */
  static PeerCache load(Path file, Consumer<String> problem, long nowMs, Executor writer) {
    PeerCache c = new PeerCache(file, writer);
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
    c.trim(null);
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
   * {@code address} was met in {@code room} at {@code nowMs}. The file is rewritten (off this
   * thread) only when something a dial needs changed (a new peer, host, port or nick), not for a
   * fresher timestamp alone: links flap.
   */
  public void seen(String room, PeerAddress address, long nowMs) {
    if (file == null || address.port() <= 0 || !Hosts.plausible(address.host())) {
      return;
    }
    String key = key(room, address.peerId());
    Entry old = entries.get(key);
    refreshLinked(nowMs);
    put(new Entry(room, address, nowMs));
    if (old == null || !old.address().equals(address)) {
      trim(key);
      writeSoon();
    }
  }

  /**
   * The peer {@code peer} of {@code room} is linked from {@code nowMs} on ({@code up}) or no longer
   * ({@code !up}): a linked peer's last-seen is kept at now, and it is trimmed after every peer
   * that is not linked. Nothing is written for this alone.
   */
  public void linked(String room, PeerId peer, boolean up, long nowMs) {
    if (file == null) {
      return;
    }
    String key = key(room, peer);
    Entry e = entries.get(key);
    if (e != null) {
      put(new Entry(room, e.address(), Math.max(e.lastSeenMs(), nowMs)));
    }
    if (up) {
      linked.add(key);
    } else {
      linked.remove(key);
    }
  }

  private static String key(String room, PeerId peer) {
    return room + '\t' + peer.hex();
  }

  private void refreshLinked(long nowMs) {
    for (String k : linked) {
      Entry e = entries.get(k);
      if (e != null && e.lastSeenMs() < nowMs) {
        entries.put(k, new Entry(e.room(), e.address(), nowMs)); // in place: no reordering needed
      }
    }
  }

  /** What the file is to say, numbered in the order the room thread took it. */
  private record Snapshot(long seq, String text) {}

  /** Queues a write of what the cache holds now, unless one is queued already (it takes this). */
  private void writeSoon() {
    pending.set(new Snapshot(++snapshots, text()));
    if (queued.compareAndSet(false, true)) {
      try {
        writer.execute(this::writeQueued);
      } catch (RejectedExecutionException e) {
        queued.set(false); // the JVM is going down: the shutdown flush writes it
      }
    }
  }

  private void writeQueued() {
    queued.set(false); // a change from now on queues another write
    write(pending.get());
  }

  /**
   * Writes the cache now, on the calling thread (at shutdown: fresher last-seen times for the peers
   * linked to the end), if it has a file: temp file, then atomic rename over the old one.
   */
  public void flush() {
    if (file == null) {
      return;
    }
    refreshLinked(System.currentTimeMillis());
    Snapshot s = new Snapshot(++snapshots, text());
    pending.set(s);
    write(s);
  }

  /** Writes snapshot {@code s}, unless a newer one is on disk already. */
  private void write(Snapshot s) {
    synchronized (writing) {
      if (s == null || s.seq() <= written) {
        return; // a later snapshot got there first
      }
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      try {
        Files.writeString(tmp, s.text(), StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        written = s.seq();
        writeFailed = false;
      } catch (IOException | RuntimeException e) {
        if (!writeFailed) { // once per failure streak: the chat goes on without the cache
          log.warn("cannot write peer cache {}: {}", file, e.toString());
          writeFailed = true;
        }
      }
    }
  }

  private String text() {
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
    return sb.toString();
  }

  private void put(Entry e) {
    String key = e.room() + '\t' + e.address().peerId().hex();
    entries.remove(key); // re-insert: iteration order is then least recently seen first
    entries.put(key, e);
  }

  /**
   * Drops entries past the bounds: first those of a room and network past {@link #MAX_PER_SOURCE}
   * (only the network of {@code added}, if given; every one when null, as when a file is read),
   * then the cache past {@link #MAX_ENTRIES}; each time the least recently seen of those not
   * linked, then of the linked.
   */
  private void trim(String added) {
    Entry a = added == null ? null : entries.get(added);
    String only = a == null ? null : a.room() + '\t' + NetGroup.site(a.address().host());
    Map<String, List<Map.Entry<String, Entry>>> groups = new LinkedHashMap<>();
    for (Map.Entry<String, Entry> x : entries.entrySet()) {
      Entry e = x.getValue();
      String g = e.room() + '\t' + NetGroup.site(e.address().host());
      if (only == null || only.equals(g)) {
        groups.computeIfAbsent(g, k -> new ArrayList<>()).add(x);
      }
    }
    for (List<Map.Entry<String, Entry>> same : groups.values()) {
      dropOldest(same, same.size() - MAX_PER_SOURCE);
    }
    if (entries.size() > MAX_ENTRIES) {
      dropOldest(new ArrayList<>(entries.entrySet()), entries.size() - MAX_ENTRIES);
    }
  }

  private void dropOldest(List<Map.Entry<String, Entry>> among, int n) {
    if (n <= 0) {
      return;
    }
    among.sort(
        Comparator.<Map.Entry<String, Entry>, Boolean>comparing(x -> linked.contains(x.getKey()))
            .thenComparingLong(x -> x.getValue().lastSeenMs()));
    for (int i = 0; i < n; i++) {
      entries.remove(among.get(i).getKey());
    }
  }
}
