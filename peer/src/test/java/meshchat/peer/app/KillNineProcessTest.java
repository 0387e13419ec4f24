package meshchat.peer.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import meshchat.peer.store.sqlite.SqliteDatabase;
import meshchat.peer.store.sqlite.SqliteMessageStore;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Durable before shown, tested with real kills (docs/storage.md): the real {@code chat --json} CLI
 * as a child process types bursts of lines and is killed with SIGKILL at seeded random points
 * (while starting, mid-burst, right after the k-th line is shown, while leaving), then restarted on
 * the same data dir; two lanes at once, one with no link at all and one linked to a peer that stays
 * up. At the end: every message a process printed as its own is in its file with the same text, no
 * seq ever stood for two texts, the file's own seqs are 1..n with no conflict, every message the
 * linked peer received from a killed one was in the killed one's file, and both end with the same
 * history.
 *
 * <p>{@code -Dmeshchat.crash.killPoints=N} (default 50) and {@code -Dmeshchat.crash.seed=S} set the
 * run; docs/storage.md reports a long one.
 */
class KillNineProcessTest {
  private static final int KILL_POINTS = Integer.getInteger("meshchat.crash.killPoints", 50);
  private static final long SEED = Long.getLong("meshchat.crash.seed", 20261202L);
  private static final Duration WAIT = Duration.ofSeconds(120); // a loaded box starts JVMs slowly
  private static final Pattern OWN =
      Pattern.compile(
          "\"event\":\"message\".*\"origin\":\"([0-9a-f]+)\",\"seq\":(\\d+),.*\"text\":\"([^\"]*)\"");

  @RegisterExtension final ChatProcesses procs = new ChatProcesses();

  /** Messages of {@code origin} in {@code lines}: seq to text. */
  private static Map<Long, String> messagesOf(String origin, List<String> lines) {
    Map<Long, String> out = new TreeMap<>();
    for (String l : lines) {
      Matcher m = OWN.matcher(l);
      if (m.find() && m.group(1).equals(origin)) {
        out.put(Long.parseLong(m.group(2)), m.group(3));
      }
    }
    return out;
  }

  private Map<Long, String> fileOf(String nick, String origin) {
    return messagesOf(origin, procs.history(nick).lines().toList());
  }

  /** One peer killed again and again on one data dir. */
  final class Lane {
    final String nick;
    final int trackerPort;
    final SplittableRandom random;
    final Map<Long, String> shown = new TreeMap<>(); // every own seq ever printed, and its text
    final List<String> violations = new ArrayList<>();
    String id;
    int kills;

    Lane(String nick, int trackerPort, long seed) {
      this.nick = nick;
      this.trackerPort = trackerPort;
      this.random = new SplittableRandom(seed);
    }

    void run(int killPoints) throws Exception {
      for (int k = 0; k < killPoints; k++) {
        killPoint(k);
        if (k % 50 == 49) {
          check(); // a long run fails early, and says how far it got
          System.out.printf(
              "%s: %d kill points, %d own lines shown, all in the file%n",
              nick, kills, shown.size());
        }
      }
    }

    private void killPoint(int k) throws Exception {
      Chat p = procs.chat(procs.dir(), nick, trackerPort);
      long spawned = System.nanoTime();
      int mode = random.nextInt(10);
      int total = 1 + random.nextInt(60);
      int killAfterShown = random.nextInt(total + 1);
      long killAfterNanos = random.nextLong(400) * 1_000_000L;
      if (mode == 0) { // while starting, before or around the ready line
        long at = random.nextLong(1_500) * 1_000_000L;
        awaitOrDeath(p, () -> System.nanoTime() - spawned >= at);
        p.kill();
        record(p);
        return;
      }
      if (awaitOrDeath(p, () -> p.count("\"event\":\"ready\"") == 1)) {
        throw new AssertionError(
            nick + " exited " + p.process.exitValue() + " before it was ready: " + p.stderr());
      }
      id = p.peerId();
      long typing = System.nanoTime();
      // 1-4: right when the chosen line is shown (between a display and the next commit);
      // 5-8: a random moment while typing; 9: all typed, then EOF, then a random moment of leaving
      Callable<Boolean> due =
          mode <= 4
              ? () -> ownShown(p) >= killAfterShown
              : mode <= 8 ? () -> System.nanoTime() - typing >= killAfterNanos : () -> false;
      int written = 0;
      int burst = 0;
      while (written < total) {
        int n = Math.min(total - written, 1 + random.nextInt(20));
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < n; i++) {
          lines.append(nick + " i" + k + " b" + burst + " l" + (written + i)).append('\n');
        }
        p.in.print(lines); // the whole burst in one write, as a paste or a pipe gives it
        written += n;
        burst++;
        int all = written;
        if (awaitOrDeath(p, () -> due.call() || ownShown(p) >= all) || due.call()) {
          break;
        }
      }
      if (mode == 9) {
        p.in.close(); // EOF: it starts to leave
        awaitOrDeath(p, () -> System.nanoTime() - typing >= killAfterNanos);
      } else {
        awaitOrDeath(p, due);
      }
      p.kill();
      record(p);
    }

    private long ownShown(Chat p) {
      return id == null ? 0 : p.count("\"origin\":\"" + id + "\"");
    }

    /** Waits for {@code done}; true if the process died first. */
    private boolean awaitOrDeath(Chat p, Callable<Boolean> done) {
      await()
          .atMost(WAIT)
          .pollInterval(Duration.ofMillis(1))
          .until(() -> !p.process.isAlive() || done.call());
      return !p.process.isAlive();
    }

    private void record(Chat p) {
      kills++;
      if (id == null && p.ready()) {
        id = p.peerId();
      }
      if (id == null) {
        return; // killed before it said who it is: it showed nothing
      }
      messagesOf(id, p.out)
          .forEach(
              (seq, text) -> {
                String before = shown.putIfAbsent(seq, text);
                if (before != null && !before.equals(text)) {
                  violations.add("seq " + seq + " shown as '" + before + "' and as '" + text + "'");
                }
              });
    }

    /** Every shown message is in the file as shown; the file's own seqs are 1..n, no conflict. */
    void check() {
      Map<Long, String> file = fileOf(nick, id);
      assertThat(violations).as(nick + ": a seq reused").isEmpty();
      shown.forEach(
          (seq, text) ->
              assertThat(file.get(seq))
                  .as(nick + ": shown seq " + seq + " in the file")
                  .isEqualTo(text));
      assertThat(file.keySet())
          .as(nick + ": own seqs 1..n")
          .containsExactlyElementsOf(LongStream.rangeClosed(1, file.size()).boxed().toList());
      try (SqliteDatabase db = SqliteDatabase.openDataDir(procs.dir().resolve(nick));
          SqliteMessageStore store = db.room("lobby")) {
        assertThat(store.conflictCount()).as(nick + ": conflicts").isZero();
      }
    }
  }

  /**
   * Waits for {@code done}; on a timeout, fails with what each of {@code chats} says of its links
   * ({@code /status}) and its last lines, in the one line a CI summary shows.
   */
  private static void awaitOrTell(Callable<Boolean> done, String what, Chat... chats)
      throws Exception {
    try {
      await().atMost(WAIT).until(done);
    } catch (ConditionTimeoutException e) {
      StringBuilder told = new StringBuilder(what + " not within " + WAIT + ";");
      for (Chat c : chats) {
        int before = c.out.size();
        c.in.println("/status");
        try {
          await().atMost(Duration.ofSeconds(20)).until(() -> c.count("limits hit") > 0);
        } catch (ConditionTimeoutException silent) {
          told.append(" (no /status answer)");
        }
        List<String> out = List.copyOf(c.out);
        told.append(" | chat ").append(c.process.isAlive() ? "alive" : "exited").append(": ");
        out.subList(Math.max(0, before - 6), out.size()).forEach(l -> told.append(l).append(' '));
      }
      throw new AssertionError(told.toString().replace('\n', ' '), e);
    }
  }

  @Test
  void killNineWhileTypingLosesNothingShownAndNeverReusesASeq() throws Exception {
    int trackerPort = procs.trackerPort();
    Chat bob = procs.chat("bob");
    await().atMost(WAIT).until(bob::ready);

    Lane alone =
        new Lane("ann", procs.reservePort().port(), SEED); // no tracker answers: no link ever
    Lane linked = new Lane("cat", trackerPort, SEED + 1);
    int half = (KILL_POINTS + 1) / 2;
    CompletableFuture<Void> a =
        CompletableFuture.runAsync(
            () -> {
              try {
                alone.run(half);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    linked.run(KILL_POINTS - half);
    a.join();
    assertThat(alone.kills + linked.kills).isGreaterThanOrEqualTo(KILL_POINTS);
    assertThat(alone.shown).as("ann showed something over the run").isNotEmpty();
    assertThat(linked.shown).as("cat showed something over the run").isNotEmpty();
    alone.check();
    linked.check();

    // what bob got from cat was in cat's file before cat ever came back
    Map<Long, String> catFile = fileOf("cat", linked.id);
    messagesOf(linked.id, bob.out)
        .forEach(
            (seq, text) -> assertThat(catFile.get(seq)).as("bob got cat:" + seq).isEqualTo(text));

    // cat comes back for good: the two end with the same history
    long back = System.nanoTime();
    Chat cat = procs.chat("cat");
    awaitOrTell(() -> cat.count("\"event\":\"peer-up\"") >= 1, "cat linked again", cat, bob);
    long linkedAt = System.nanoTime();
    cat.in.println("cat is back");
    awaitOrTell(() -> bob.count("cat is back") == 1, "bob shows 'cat is back'", cat, bob);
    System.out.printf(
        "cat back: linked in %d ms, its line at bob %d ms later%n",
        (linkedAt - back) / 1_000_000, (System.nanoTime() - linkedAt) / 1_000_000);
    for (Chat x : List.of(cat, bob)) {
      x.leave(); // EOF: leave cleanly
    }
    assertThat(procs.history("cat")).isEqualTo(procs.history("bob"));
    linked.check();
  }
}
