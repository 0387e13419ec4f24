package meshchat.peer.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.peer.store.MessageStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Write before send, tested with a real kill: a child JVM appends its own messages and prints each
 * seq after appendOwn returns; it is killed (SIGKILL) mid-stream, twice. Every printed seq must be
 * in the file and the resumed seq must be past all of them: nothing "sent" is lost, no seq reused.
 */
class CrashSafetyTest {
  private static final PeerId SELF = PeerId.fromHex("c0ffee00c0ffee00");

  @TempDir Path dataDir;

  @Test
  void aKilledWriterLosesNoPrintedSeqAndNeverReusesOne() throws Exception {
    long firstRun = killAfter(40)[1];
    long[] second = killAfter(firstRun + 40); // the second run resumes from the first's file
    long secondRun = second[1];
    // its first seq is above all the first run printed (sent): none reused; the kill itself can
    // land on the seq it waited for, so the last one is at least that (not above it)
    assertThat(second[0]).isGreaterThan(firstRun);
    assertThat(secondRun).isGreaterThanOrEqualTo(firstRun + 40);

    try (SqliteMessageStore store = SqliteMessageStore.open(dataDir, "lobby")) {
      MessageStore.Snapshot snap = store.load(SELF);
      assertThat(snap.ownSeq()).isGreaterThanOrEqualTo(secondRun);
      assertThat(snap.lamport()).isGreaterThanOrEqualTo(secondRun);
      // no gap and no seq written twice: the held seqs are exactly 1..ownSeq
      assertThat(snap.holdings().get(SELF).ranges()).hasSize(1);
      assertThat(snap.holdings().get(SELF).contiguous()).isEqualTo(snap.ownSeq());
      assertThat(store.conflictCount()).isZero();
      for (long seq = 1; seq <= secondRun; seq++) {
        assertThat(store.get(new MessageId(SELF, seq))).as("seq %d", seq).isPresent();
      }
    }
  }

  /**
   * Runs the writer until it has printed a seq of at least {@code atLeast}, then kills it; returns
   * the first and the last seq it printed.
   */
  private long[] killAfter(long atLeast) throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process child =
        new ProcessBuilder(
                java.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                CrashWriter.class.getName(),
                dataDir.toString(),
                SELF.hex())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    List<Long> printed = new CopyOnWriteArrayList<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                  printed.add(Long.parseLong(line.strip()));
                }
              } catch (Exception ignored) {
                // the pipe breaks when the child is killed
              }
            });
    reader.start();
    try {
      await() // a child JVM's start takes tens of seconds on a loaded box: 30 s failed at load 15
          .atMost(Duration.ofSeconds(90))
          .until(() -> !printed.isEmpty() && printed.get(printed.size() - 1) >= atLeast);
    } finally {
      child.destroyForcibly(); // SIGKILL: no shutdown hook, no close, no checkpoint
      assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
      reader.join(10_000);
    }
    // what the child printed before dying is all a peer could have sent
    return new long[] {printed.get(0), printed.get(printed.size() - 1)};
  }
}
