package meshchat.peer.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import meshchat.tracker.TrackerConfig;
import meshchat.tracker.TrackerServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's bot line, {@code printf 'hello\n' | meshchat chat --json}: input ends before the bot
 * has linked to anyone, yet {@code hello} reaches the peer already in the room, because the bot
 * lingers until a digest shows another peer holds it. Alone, it gives up and says so.
 */
class ScriptDeliveryProcessTest {
  @TempDir Path tmp;
  private TrackerServer tracker;
  private CliProcessTest.Chat ann;

  @BeforeEach
  void startTracker() throws Exception {
    tracker = TrackerServer.start(TrackerConfig.localTest());
  }

  @AfterEach
  void stop() {
    if (ann != null) {
      ann.process.destroyForcibly();
    }
    tracker.close();
  }

  @Test
  void thePipedBotLineDeliversHelloToAPeerAlreadyInTheRoomThenExitsZero() throws Exception {
    int port = tracker.localAddress().getPort();
    ann = CliProcessTest.Chat.start(tmp, "ann", port);
    await().atMost(Duration.ofSeconds(30)).until(() -> ann.count("\"event\":\"ready\"") == 1);

    Process bot = bot(port, "hello\n"); // the default linger, as in the README
    String out = new String(bot.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(bot.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(bot.waitFor(90, TimeUnit.SECONDS)).isTrue();
    assertThat(bot.exitValue()).as(out + err).isZero();
    assertThat(err).doesNotContain("Exception").doesNotContain("\tat ");
    await().atMost(Duration.ofSeconds(10)).until(() -> ann.count("\"text\":\"hello\"") == 1);
    // the delivered event names the first holder: ann, the only other peer
    assertThat(out).contains("\"event\":\"delivered\"").contains("\"holder\":\"" + ann.peerId());
  }

  @Test
  void aloneTheBotGivesUpAfterItsLingerWithExitThreeAndKeepsTheMessage() throws Exception {
    int port = tracker.localAddress().getPort();
    Process bot = bot(port, "nobody hears this\n", "--linger", "2");
    String out = new String(bot.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(bot.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(bot.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(bot.exitValue()).as(out + err).isEqualTo(ChatCommand.UNDELIVERED);
    assertThat(err.strip().lines()).hasSize(1);
    assertThat(err)
        .startsWith("meshchat: 1 of 1 message reached no other peer within 2 s")
        .doesNotContain("Exception");
    assertThat(out).doesNotContain("\"event\":\"delivered\"");

    Process history =
        CliProcessTest.java("history", "--data", tmp.resolve("bot").toString()).start();
    String shown = new String(history.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(history.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(shown).contains("bot: nobody hears this");
  }

  private Process bot(int trackerPort, String input, String... more) throws Exception {
    java.util.List<String> args =
        new java.util.ArrayList<>(
            java.util.List.of(
                "chat",
                "--nick",
                "bot",
                "--json",
                "--tracker",
                "127.0.0.1:" + trackerPort,
                "--data",
                tmp.resolve("bot").toString()));
    args.addAll(java.util.List.of(more));
    Process p = CliProcessTest.java(args.toArray(String[]::new)).start();
    p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    return p;
  }
}
