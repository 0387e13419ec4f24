package meshchat.peer.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code ready} means findable: a script that waits for it may tell others to come. With a tracker
 * up, the tracker already lists the peer at the moment {@code ready} is read; with none reachable,
 * {@code ready} still comes, after the first failure, and says so.
 */
class ReadyProcessTest {
  @RegisterExtension final ChatProcesses procs = new ChatProcesses();

  @Test
  void readyComesOnlyOnceTheTrackerListsThePeer() throws Exception {
    int port = procs.trackerPort();
    Process bot = chat("bot", "--tracker", "127.0.0.1:" + port);
    // checked the moment the line is read, before reading on
    CompletableFuture<Integer> listedAtReady = new CompletableFuture<>();
    List<String> before = new ArrayList<>();
    String ready =
        readUntilReady(
            bot,
            before,
            () -> {
              try {
                listedAtReady.complete(
                    procs
                        .tracker()
                        .inspect(d -> d.lookup("lobby").size())
                        .get(10, TimeUnit.SECONDS));
              } catch (Exception e) {
                listedAtReady.completeExceptionally(e);
              }
            });
    assertThat(listedAtReady.get(30, TimeUnit.SECONDS)).as(before.toString()).isEqualTo(1);
    assertThat(ready).contains("\"tracker\":\"registered\"").contains("\"nick\":\"bot\"");
  }

  @Test
  void withNoTrackerReachableReadyComesAfterTheFirstFailureAndSaysSo() throws Exception {
    int nobody = procs.reservePort().port(); // an explicit tracker is never hosted here
    Process bot = chat("bot", "--tracker", "127.0.0.1:" + nobody);
    List<String> before = new ArrayList<>();
    String ready = readUntilReady(bot, before, () -> {});
    assertThat(ready).contains("\"tracker\":\"unreachable\"");
    assertThat(before).anyMatch(l -> l.contains("unreachable, retrying"));
  }

  @Test
  void withoutATrackerReadyComesAtOnceAndMentionsNone() throws Exception {
    Process bot = chat("bot", "--no-tracker");
    String ready = readUntilReady(bot, new ArrayList<>(), () -> {});
    assertThat(ready).contains("\"nick\":\"bot\"").doesNotContain("tracker");
  }

  private Process chat(String nick, String... more) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "chat", "--json", "--nick", nick, "--data", procs.dir().resolve(nick).toString()));
    args.addAll(List.of(more));
    return procs.spawn(
        ChatProcesses.java(args.toArray(String[]::new))
            .redirectError(ProcessBuilder.Redirect.DISCARD));
  }

  /**
   * Reads lines into {@code before} until {@code ready}, runs {@code atReady}, returns the line.
   */
  private static String readUntilReady(Process p, List<String> before, Runnable atReady)
      throws Exception {
    CompletableFuture<String> found = new CompletableFuture<>();
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                  if (l.contains("\"event\":\"ready\"")) {
                    atReady.run();
                    found.complete(l);
                    return;
                  }
                  synchronized (before) {
                    before.add(l);
                  }
                }
                found.completeExceptionally(new AssertionError("no ready: " + before));
              } catch (Exception e) {
                found.completeExceptionally(e);
              }
            });
    t.setDaemon(true);
    t.start();
    return found.get(90, TimeUnit.SECONDS); // a JVM start takes 20 s on a loaded box
  }
}
