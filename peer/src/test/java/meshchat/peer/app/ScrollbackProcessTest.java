package meshchat.peer.app;

import static meshchat.peer.app.ChatProcesses.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.concurrent.TimeUnit;
import meshchat.peer.runtime.PeerNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * History is on screen: a late joiner sees the last N caught-up messages in order under a line
 * counting the rest, a restart shows the last N stored ones, /history pages back, and --json
 * reports every caught-up message as a message event with catch_up true.
 */
class ScrollbackProcessTest {
  @RegisterExtension final ChatProcesses procs = new ChatProcesses();

  /** bob, an in-process peer, has said m0..m29 before anyone else came. */
  private PeerNode bobSaidThirtyLines() throws Exception {
    PeerNode bob = procs.peer("bob");
    for (int i = 0; i < 30; i++) {
      // bob's first line may wait for the self-fork check up to 15 s (Outbox.MAX_WAIT_MS)
      bob.send("m" + i).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }
    return bob;
  }

  @Test
  void aLateJoinerSeesTheLastCaughtUpMessagesThenARestartShowsItsScrollback() throws Exception {
    PeerNode bob = bobSaidThirtyLines();
    Chat ann = procs.plain("ann", "--scrollback", "5");
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> assertThat(ann.out).contains("── 25 earlier messages · /history for all ──"));
    await().atMost(WAIT).until(() -> ann.count("bob: m29") == 1);
    List<String> shown = messages(ann.out);
    assertThat(shown).containsExactly("m25", "m26", "m27", "m28", "m29");
    int divider = ann.out.indexOf("── 25 earlier messages · /history for all ──");
    assertThat(ann.out.get(divider + 1)).endsWith("bob: m25");

    ann.in.println("/history 4");
    await().atMost(WAIT).until(() -> ann.count("bob: m26") == 2);
    ann.in.println("/history");
    await().atMost(WAIT).until(() -> ann.count("bob: m22") == 1);
    assertThat(messages(ann.out.subList(ann.out.size() - 5, ann.out.size())))
        .containsExactly("m22", "m23", "m24", "m25");
    ann.in.println("/quit");
    assertThat(ann.process.waitFor(30, TimeUnit.SECONDS)).isTrue();

    bob.close();
    Chat again = procs.plain("ann", "--scrollback", "3");
    await().atMost(WAIT).until(() -> again.count("── now ──") == 1);
    assertThat(again.out).contains("── last 3 messages · /history for more ──");
    assertThat(messages(again.out)).containsExactly("m27", "m28", "m29");
  }

  @Test
  void jsonReportsEveryCaughtUpMessageAsAMessageEvent() throws Exception {
    bobSaidThirtyLines();
    Chat ann = procs.chat("ann", "--scrollback", "5");
    await().atMost(WAIT).until(() -> ann.count("\"catch_up\":true") == 30);
    // printed right after the round's last message: read it, do not expect it read already
    await().atMost(WAIT).until(() -> ann.count("\"event\":\"caught-up\",\"count\":30") == 1);
  }

  /** The texts of the "HH:mm bob: mN" lines, in screen order. */
  private static List<String> messages(List<String> lines) {
    return lines.stream()
        .filter(l -> l.matches("\\d\\d:\\d\\d bob: m\\d+"))
        .map(l -> l.substring(l.indexOf(": ") + 2))
        .toList();
  }
}
