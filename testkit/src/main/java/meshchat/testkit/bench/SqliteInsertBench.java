package meshchat.testkit.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.peer.store.sqlite.SqliteMessageStore;

/**
 * The SQLite insert rate, the ways the room writes (docs/benchmarks.md), each followed by the
 * commit the runtime does at the end of a burst: {@code append} + commit (a lone live message from
 * another peer), {@code appendAll} + commit (a sync batch), {@code appendOwn} + commit (our own
 * message, fsynced before it is sent), and 64 {@code appendOwn}s per commit (group commit of a
 * burst). Messages of 100 bytes with one dependency, in a real file in a temp dir. Prints one JSON
 * line.
 *
 * <p>{@code SqliteInsertBench [--append 20000] [--batched 200000] [--batch 512] [--own 2000]}
 */
public final class SqliteInsertBench {
  private SqliteInsertBench() {}

  public static void main(String[] args) throws Exception {
    System.out.println(run(args));
  }

  public static String run(String[] args) throws Exception {
    BenchFlags flags = BenchFlags.parse(args, "--append", "--batched", "--batch", "--own");
    int append = flags.positive("--append", 20_000);
    int batched = flags.positive("--batched", 200_000);
    int batch = flags.positive("--batch", 512);
    int own = flags.positive("--own", 2_000);
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
      return String.format(
          Locale.ROOT,
          "{\"bench\":\"sqlite-insert\",\"append_per_s\":%.0f,\"append_all_per_s\":%.0f,"
              + "\"batch\":%d,\"append_own_fsync_per_s\":%.0f,"
              + "\"append_own_group64_fsync_per_s\":%.0f}",
          appendRate,
          batchRate,
          batch,
          ownRate,
          ownBurstRate);
    } finally {
      Bench.deleteTree(dir);
    }
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
