package meshchat.testkit.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import meshchat.peer.message.ChainHead;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.peer.store.sqlite.SqliteMessageStore;

/**
 * The SQLite insert rate, the ways the room writes (docs/benchmarks.md), each followed by the
 * commit the runtime does at the end of a burst: {@code append} + commit (a lone live message from
 * another peer), {@code appendAll} + commit (a sync batch), {@code appendOwn} + commit (our own
 * message, fsynced before it is sent), and 64 {@code appendOwn}s per commit (group commit of a
 * burst). Messages of 100 bytes with one dependency, in a real file in a temp dir. Then the log's
 * growth per stored message in a room's mix ({@link #logPerRow}): independent of the box's load,
 * unlike the rates. Prints one JSON line.
 *
 * <p>{@code SqliteInsertBench [--append 20000] [--batched 200000] [--batch 512] [--own 2000]
 * [--mix-rows 1500]}
 */
public final class SqliteInsertBench {
  private SqliteInsertBench() {}

  public static void main(String[] args) throws Exception {
    System.out.println(run(args));
  }

  public static String run(String[] args) throws Exception {
    BenchFlags flags =
        BenchFlags.parse(args, "--append", "--batched", "--batch", "--own", "--mix-rows");
    int append = flags.positive("--append", 20_000);
    int batched = flags.positive("--batched", 200_000);
    int batch = flags.positive("--batch", 512);
    int own = flags.positive("--own", 2_000);
    int mixRows = flags.positive("--mix-rows", MIX_ROWS);
    if (mixRows > MAX_MIX_ROWS) {
      throw new IllegalArgumentException(
          "--mix-rows must be at most " + MAX_MIX_ROWS + ", not " + mixRows);
    }
    Bench.quietLogs();
    Path dir = Files.createTempDirectory("meshchat-insert");
    SplittableRandom random = new SplittableRandom(3);
    try (SqliteMessageStore store = SqliteMessageStore.open(dir, "bench")) {
      List<ChatMessage> single = messages(PeerId.random(random), append);
      double appendRate = rate(append, () -> each(store, single));
      List<ChatMessage> many = messages(PeerId.random(random), batched);
      int size = batch;
      double batchRate =
          rate(
              batched,
              () -> {
                for (int k = 0; k < many.size(); k += size) {
                  store.appendAll(many.subList(k, Math.min(many.size(), k + size)));
                  store.commit();
                }
              });
      List<ChatMessage> mine = messages(PeerId.random(random), own);
      double ownRate =
          rate(
              own,
              () -> {
                for (ChatMessage m : mine) {
                  store.appendOwn(m, m.lamport());
                  store.commit(); // one own message per burst: an fsync each (a person typing)
                }
              });
      List<ChatMessage> burst = messages(PeerId.random(random), own);
      double ownBurstRate =
          rate(
              own,
              () -> {
                for (int k = 0; k < burst.size(); k++) {
                  store.appendOwn(burst.get(k), burst.get(k).lamport());
                  if (k % 64 == 63) {
                    store.commit(); // group commit: 64 own messages share one fsync
                  }
                }
                store.commit();
              });
      StringBuilder mix = new StringBuilder();
      for (int rows : new int[] {1, 2, 5, 0}) {
        mix.append(
            String.format(
                Locale.ROOT,
                ",\"log_kb_per_row_%s\":%.2f",
                rows == 0 ? "inbox" : rows + "_per_commit",
                logPerRow(rows, mixRows) / 1024.0));
      }
      return String.format(
          Locale.ROOT,
          "{\"bench\":\"sqlite-insert\",\"append_per_s\":%.0f,\"append_all_per_s\":%.0f,"
              + "\"batch\":%d,\"append_own_fsync_per_s\":%.0f,"
              + "\"append_own_group64_fsync_per_s\":%.0f%s}",
          appendRate,
          batchRate,
          batch,
          ownRate,
          ownBurstRate,
          mix);
    } finally {
      Bench.deleteTree(dir);
    }
  }

  /** Origins in {@link #logPerRow}'s room: ourselves and four others, as in the latency cell. */
  private static final int MIX_ORIGINS = 5;

  /**
   * Rows measured by {@link #logPerRow} by default ({@code --mix-rows}), after 5,000 already
   * stored: at one row per commit about 32 MB of log, well below the 64 MiB past which a commit
   * checkpoints by itself (and the log's size would stop telling what was written; more than ~2,500
   * rows does that).
   */
  private static final int MIX_ROWS = 1_500;

  /** Past this many, one row per commit fills the log to the checkpoint's backstop. */
  private static final int MAX_MIX_ROWS = 2_500;

  /**
   * Bytes of log written per stored message in a room of {@link #MIX_ORIGINS} authors taking turns
   * (docs/benchmarks.md, session 24), each message chained and followed by its signed head, ours
   * appended as our own (clock and seq). {@code rows > 0}: each commit holds {@code rows} messages,
   * what a receiver's burst commits today. {@code rows == 0}: the schedule of an inbox for received
   * messages (docs/storage.md, "Future"): each own message commits alone with its head, the others'
   * messages wait and are stored 64 at a time, with their heads, in one commit. The store takes its
   * checkpoints elsewhere, as a running peer's does, and none runs here: the log only grows, by
   * what the commits wrote. Independent of the box's load, unlike the rates (and the latency cell's
   * bytes per row, which follow its rows per commit, which follow the load).
   */
  static double logPerRow(int rows, int measuredRows) throws Exception {
    Path dir = Files.createTempDirectory("meshchat-mix");
    SplittableRandom random = new SplittableRandom(5);
    PeerId[] origins = new PeerId[MIX_ORIGINS];
    long[] seqs = new long[MIX_ORIGINS];
    for (int o = 0; o < MIX_ORIGINS; o++) {
      origins[o] = PeerId.random(random);
    }
    try (SqliteMessageStore store = SqliteMessageStore.open(dir, "mix")) {
      store.takeCheckpoints();
      int prefill = 5_000;
      Path wal = dir.resolve("history.db-wal");
      long before = 0;
      List<ChatMessage> inbox = new ArrayList<>();
      List<ChainHead> inboxHeads = new ArrayList<>();
      long lamport = 0;
      for (int k = 0; k < prefill + measuredRows; k++) {
        int o = k % MIX_ORIGINS;
        ChatMessage m = mixMessage(origins, seqs, o, ++lamport, random);
        byte[] hash = new byte[ChatMessage.HASH_BYTES];
        random.nextBytes(hash);
        ChainHead head = new ChainHead(m.origin(), m.seq(), hash, new byte[64], new byte[32]);
        boolean measured = k >= prefill;
        if (measured && rows == 0 && o != 0) {
          inbox.add(m);
          inboxHeads.add(head);
          if (inbox.size() == 64 || k == prefill + measuredRows - 1) {
            store.appendAll(inbox);
            inboxHeads.forEach(store::putHead);
            store.commit();
            inbox.clear();
            inboxHeads.clear();
          }
          continue;
        }
        if (o == 0) {
          store.appendOwn(m, m.lamport());
        } else {
          store.append(m);
        }
        store.putHead(head);
        if (k == prefill - 1) {
          store.commit();
          before = Files.size(wal);
        } else if (measured && (rows == 0 || (k - prefill) % rows == rows - 1)) {
          store.commit();
        }
      }
      store.commit();
      return (Files.size(wal) - before) / (double) measuredRows;
    } finally {
      Bench.deleteTree(dir);
    }
  }

  private static ChatMessage mixMessage(
      PeerId[] origins, long[] seqs, int o, long lamport, SplittableRandom random) {
    long seq = ++seqs[o];
    List<MessageId> deps =
        List.of(
            new MessageId(origins[(o + 1) % origins.length], seqs[(o + 1) % origins.length] + 1));
    byte[] prev = new byte[ChatMessage.HASH_BYTES];
    random.nextBytes(prev);
    return new ChatMessage(
            new MessageId(origins[o], seq),
            lamport,
            1_700_000_000_000L + lamport,
            "peer" + o,
            "x".repeat(100),
            deps)
        .chained(prev);
  }

  private static void each(SqliteMessageStore store, List<ChatMessage> ms) {
    for (ChatMessage m : ms) {
      store.append(m);
      store.commit(); // one received message per burst: the worst case of group commit
    }
  }

  private static double rate(int count, Runnable work) {
    long start = System.nanoTime();
    work.run();
    return count / ((System.nanoTime() - start) / 1e9);
  }

  private static List<ChatMessage> messages(PeerId origin, int count) {
    List<ChatMessage> out = new ArrayList<>(count);
    String text = "x".repeat(100);
    for (int k = 1; k <= count; k++) {
      List<MessageId> deps = k == 1 ? List.of() : List.of(new MessageId(origin, k - 1));
      out.add(
          new ChatMessage(new MessageId(origin, k), k, 1_700_000_000_000L + k, "n", text, deps));
    }
    return out;
  }
}
