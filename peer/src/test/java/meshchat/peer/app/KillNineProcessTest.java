package meshchat.peer.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import meshchat.fixture.netty.LoopbackCluster;
import meshchat.peer.store.sqlite.SqliteDatabase;
import meshchat.peer.store.sqlite.SqliteMessageStore;
import meshchat.tracker.ChildJvm;
import meshchat.tracker.TrackerConfig;
import meshchat.tracker.TrackerServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

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

  @TempDir Path tmp;
  private final List<Proc> procs = new CopyOnWriteArrayList<>();
  private TrackerServer tracker;

  @AfterEach
  void tearDown() {
    procs.forEach(p -> p.process.destroyForcibly());
    if (tracker != null) {
      tracker.close();
    }
  }

  /** One chat process: stdin for lines, every stdout line kept, the reader joinable. */
  final class Proc {
    final Process process;
    final PrintStream in;
    final List<String> out;
    final Thread reader;

    Proc(String nick, int trackerPort) throws IOException {
      process =
          CliProcessTest.java(
                  "chat",
                  "--json",
                  "--nick",
                  nick,
                  "--tracker",
                  "127.0.0.1:" + trackerPort,
                  "--data",
                  tmp.resolve(nick).toString())
              .redirectError(ProcessBuilder.Redirect.appendTo(tmp.resolve(nick + ".err").toFile()))
              .start();
      procs.add(this);
      ChildJvm child = new ChildJvm(process);
      // not auto-flushed: a burst goes out in one write, as a paste or a pipe gives it
      in = new PrintStream(process.getOutputStream(), false, StandardCharsets.UTF_8);
      out = child.out;
      reader = child.reader;
    }

    long count(String fragment) {
      return out.stream().filter(l -> l.contains(fragment)).count();
    }

    String peerId() {
      for (String l : out) {
        if (l.contains("\"event\":\"ready\"")) {
          return l.replaceAll(".*\"peer\":\"([0-9a-f]+)\".*", "$1");
        }
      }
      return null;
    }

    /** Messages of {@code origin} this process printed: seq to text, in print order. */
    List<long[]> printed(String origin, Map<Long, String> texts) {
      List<long[]> seqs = new ArrayList<>();
      for (String l : out) {
        Matcher m = OWN.matcher(l);
        if (m.find() && m.group(1).equals(origin)) {
          long seq = Long.parseLong(m.group(2));
          seqs.add(new long[] {seq});
          texts.put(seq, m.group(3));
        }
      }
      return seqs;
    }

    void kill() throws InterruptedException {
      process.destroyForcibly(); // SIGKILL
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      reader.join(30_000);
    }
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
      Proc p = new Proc(nick, trackerPort);
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
            nick
                + " exited "
                + p.process.exitValue()
                + " before it was ready: "
                + java.nio.file.Files.readString(tmp.resolve(nick + ".err")));
      }
      id = p.peerId();
      long typing = System.nanoTime();
      // 1-4: right when the chosen line is shown (between a display and the next commit);
      // 5-8: a random moment while typing; 9: all typed, then EOF, then a random moment of leaving
      java.util.concurrent.Callable<Boolean> due =
          mode <= 4
              ? () -> ownShown(p) >= killAfterShown
              : mode <= 8 ? () -> System.nanoTime() - typing >= killAfterNanos : () -> false;
      int written = 0;
      int burst = 0;
      while (written < total) {
        int n = Math.min(total - written, 1 + random.nextInt(20));
        for (int i = 0; i < n; i++) {
          p.in.println(nick + " i" + k + " b" + burst + " l" + (written + i));
        }
        p.in.flush(); // the whole burst at once, as a paste or a pipe gives it
        written += n;
        burst++;
        int all = written;
        if (awaitOrDeath(p, () -> due.call() || ownShown(p) >= all) || due.call()) {
          break;
        }
      }
      if (mode == 9) {
        p.in.close();
        awaitOrDeath(p, () -> System.nanoTime() - typing >= killAfterNanos);
      } else {
        awaitOrDeath(p, due);
      }
      p.kill();
      record(p);
    }

    private long ownShown(Proc p) {
      return id == null ? 0 : p.count("\"origin\":\"" + id + "\"");
    }

    /** Waits for {@code done}; true if the process died first. */
    private boolean awaitOrDeath(Proc p, java.util.concurrent.Callable<Boolean> done) {
      await()
          .atMost(WAIT)
          .pollInterval(Duration.ofMillis(1))
          .until(() -> !p.process.isAlive() || done.call());
      return !p.process.isAlive();
    }

    private void record(Proc p) {
      kills++;
      if (id == null) {
        id = p.peerId();
      }
      if (id == null) {
        return; // killed before it said who it is: it showed nothing
      }
      Map<Long, String> texts = new TreeMap<>();
      p.printed(id, texts);
      texts.forEach(
          (seq, text) -> {
            String before = shown.putIfAbsent(seq, text);
            if (before != null && !before.equals(text)) {
              violations.add("seq " + seq + " shown as '" + before + "' and as '" + text + "'");
            }
          });
    }

    /** Every shown message is in the file as shown; the file's own seqs are 1..n, no conflict. */
    void check() {
      Map<Long, String> file = new TreeMap<>();
      for (String l : historyJson(nick).lines().toList()) {
        Matcher m = OWN.matcher(l);
        if (m.find() && m.group(1).equals(id)) {
          file.put(Long.parseLong(m.group(2)), m.group(3));
        }
      }
      assertThat(violations).as(nick + ": a seq reused").isEmpty();
      shown.forEach(
          (seq, text) ->
              assertThat(file.get(seq))
                  .as(nick + ": shown seq " + seq + " in the file")
                  .isEqualTo(text));
      assertThat(file.keySet())
          .as(nick + ": own seqs 1..n")
          .containsExactlyElementsOf(
              java.util.stream.LongStream.rangeClosed(1, file.size()).boxed().toList());
      try (SqliteDatabase db = SqliteDatabase.openDataDir(tmp.resolve(nick));
          SqliteMessageStore store = db.room("lobby")) {
        assertThat(store.conflictCount()).as(nick + ": conflicts").isZero();
      }
    }
  }

  private String historyJson(String nick) {
    StringWriter out = new StringWriter();
    int code =
        new CommandLine(new HistoryCommand())
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(new StringWriter(), true))
            .execute("--data", tmp.resolve(nick).toString(), "--json");
    assertThat(code).isZero();
    return out.toString();
  }

  @Test
  void killNineWhileTypingLosesNothingShownAndNeverReusesASeq() throws Exception {
    tracker = TrackerServer.start(TrackerConfig.localTest().with(d -> d.port = 0));
    int trackerPort = tracker.localAddress().getPort();
    Proc bob = new Proc("bob", trackerPort);
    await().atMost(WAIT).until(() -> bob.count("\"event\":\"ready\"") == 1);

    Lane alone =
        new Lane("ann", LoopbackCluster.freePort(), SEED); // no tracker answers: no link ever
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
    Map<Long, String> bobGot = new TreeMap<>();
    bob.printed(linked.id, bobGot);
    Map<Long, String> catFile = new TreeMap<>();
    for (String l : historyJson("cat").lines().toList()) {
      Matcher m = OWN.matcher(l);
      if (m.find() && m.group(1).equals(linked.id)) {
        catFile.put(Long.parseLong(m.group(2)), m.group(3));
      }
    }
    bobGot.forEach(
        (seq, text) -> assertThat(catFile.get(seq)).as("bob got cat:" + seq).isEqualTo(text));

    // cat comes back for good: the two end with the same history
    Proc cat = new Proc("cat", trackerPort);
    await().atMost(WAIT).until(() -> cat.count("\"event\":\"peer-up\"") >= 1);
    cat.in.println("cat is back");
    cat.in.flush();
    await().atMost(WAIT).until(() -> bob.count("cat is back") == 1);
    for (Proc x : List.of(cat, bob)) {
      x.in.close(); // EOF: leave cleanly
      assertThat(x.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(historyJson("cat")).isEqualTo(historyJson("bob"));
    linked.check();
  }
}
