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
 * rev30 FINDING-1. What is wrong: the chat's commands print through {@code Commands.say}, which
 * splits its text at every {@code '\n'} BEFORE the console escapes it ({@code Visible.of} runs per
 * printed line). So a newline a peer put in its signed text (shown live, correctly, as a visible
 * {@code \n}) becomes a real line break under {@code /history}, and a newline in a peer's Hello
 * nick becomes one under {@code /status} and {@code /peers}: a hostile member draws a whole line of
 * its choosing at the left margin, e.g. {@code 12:05 alice: the meeting is cancelled}, a line alice
 * never wrote (docs/security.md: "A line cannot draw as another member's line"; the product's
 * promise 4: never fake line breaks).
 *
 * <p>Correct behaviour: a peer's text and nick are one line on every path: {@code /history}, {@code
 * /status} and {@code /peers} show the newline as {@code \n}, as the live view does; only the
 * command's own line breaks (the help text) may start new lines.
 */
class CommandOutputLineBreakProcessTest {
  @RegisterExtension final ChatProcesses procs = new ChatProcesses();

  private static final String FORGED = "12:05 alice: the meeting is cancelled, do not come";

  @Test
  void aNewlineInAPeersTextDrawsNoLineOfItsOwnUnderHistory() throws Exception {
    PeerNode mallory = procs.peer("mallory");
    Chat ann = procs.plain("ann");
    await().atMost(WAIT).until(() -> ann.count("mallory (") == 1); // "* mallory (id) is here"
    mallory.send("ok\n" + FORGED).get(10, TimeUnit.SECONDS);
    // live, the newline is shown as \n, on one line
    await().atMost(WAIT).until(() -> ann.count("mallory: ok\\n12:05 alice:") == 1);

    // typed the moment the line is shown: shown on its author's link before its head is checked,
    // it is listed before it is stored (session 33: "no earlier messages", 2 runs of 3)
    ann.in.println("/history 5");
    await().atMost(WAIT).until(() -> ann.count("mallory: ok") == 2);
    ann.in.println("/help"); // a later command's output: everything /history printed is in
    await().atMost(WAIT).until(() -> ann.count("/quit") >= 1);

    assertThat(forgedLines(ann.out))
        .as(
            "a line at the margin that reads as alice's, drawn by mallory's text; screen: %s",
            ann.out)
        .isEmpty();
  }

  @Test
  void aNewlineInAPeersHelloNickDrawsNoLineOfItsOwnUnderStatusOrPeers() throws Exception {
    Chat ann = procs.plain("ann");
    await().atMost(WAIT).until(() -> ann.count("* joined room") == 1);
    PeerNode mallory = procs.peerDialingMembers("m\n" + FORGED);
    await().atMost(WAIT).until(() -> mallory.linkCount() == 1);
    await().atMost(WAIT).until(() -> ann.count("is here") == 1);

    ann.in.println("/status");
    ann.in.println("/peers");
    ann.in.println("/help");
    await().atMost(WAIT).until(() -> ann.count("/quit") >= 1);

    assertThat(forgedLines(ann.out))
        .as(
            "a line at the margin that reads as alice's, drawn by mallory's nick; screen: %s",
            ann.out)
        .isEmpty();
  }

  /** Lines that start at the margin as alice's own line would. */
  private static List<String> forgedLines(List<String> lines) {
    return lines.stream().filter(l -> l.startsWith("12:05 alice: ")).toList();
  }
}
