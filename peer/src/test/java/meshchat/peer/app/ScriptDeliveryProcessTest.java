package meshchat.peer.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The README's bot line, {@code printf 'hello\n' | meshchat chat --json}: input ends before the bot
 * has linked to anyone, yet {@code hello} reaches the peer already in the room, because the bot
 * lingers until a digest shows another peer holds it. Alone, it gives up and says so.
 */
class ScriptDeliveryProcessTest {
  @RegisterExtension final ChatProcesses procs = new ChatProcesses();

  @Test
  void thePipedBotLineDeliversHelloToAPeerAlreadyInTheRoomThenExitsZero() throws Exception {
    Chat ann = procs.chat("ann");
    await().atMost(Duration.ofSeconds(30)).until(ann::ready);

    Process bot = bot("hello\n"); // the default linger, as in the README
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
    Process bot = bot("nobody hears this\n", "--linger", "2");
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
        ChatProcesses.java("history", "--data", procs.dir().resolve("bot").toString()).start();
    String shown = new String(history.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(history.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(shown).contains("bot: nobody hears this");
  }

  /** The README's bot: {@code printf INPUT | meshchat chat --nick bot --json}. */
  private Process bot(String input, String... more) throws Exception {
    List<String> args = new ArrayList<>(List.of("chat", "--nick", "bot", "--json"));
    args.addAll(List.of("--tracker", "127.0.0.1:" + procs.trackerPort()));
    args.addAll(List.of("--data", procs.dir().resolve("bot").toString()));
    args.addAll(List.of(more));
    Process p = procs.spawn(ChatProcesses.java(args.toArray(String[]::new)));
    p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    return p;
  }
}
