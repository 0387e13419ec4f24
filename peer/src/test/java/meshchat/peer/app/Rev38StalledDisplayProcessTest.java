package meshchat.peer.app;

import static org.awaitility.Awaitility.await;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.runtime.PeerNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * rev38: the display writes each line to stdout (or the terminal) on the room thread
 * (ChatView.delivered, "one writer: the room thread", via NodeEffects.show), synchronously. When
 * whatever reads the chat's output stops reading (a slow {@code --json} consumer, {@code chat |
 * less}, a stopped or stalled terminal), the pipe fills and the room thread blocks in the write: no
 * frame of any link is handled any more and nothing typed is sent. architecture.md: "Nothing that
 * blocks runs on a room thread ... receiving never blocks typing".
 */
class Rev38StalledDisplayProcessTest {
  @RegisterExtension final ChatProcesses procs = new ChatProcesses();

  private static boolean holds(PeerNode n, String text) throws Exception {
    List<ChatMessage> all = n.history(null, 5_000).get(30, TimeUnit.SECONDS);
    return all.stream().anyMatch(m -> m.text().equals(text));
  }

  @Test
  void aReaderThatStopsReadingTheChatsOutputDoesNotStopItsRoom() throws Exception {
    List<String> cmd = new ArrayList<>(procs.chatCommand("ann"));
    cmd.add("--json");
    // stdout a pipe that this test never reads (ProcessBuilder's default)
    Process ann =
        procs.spawn(new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD));
    OutputStream typed = ann.getOutputStream();
    PeerNode bob = procs.peer("bob");
    Duration wait = ChatProcesses.WAIT;
    typed.write("hello from ann\n".getBytes(StandardCharsets.UTF_8));
    typed.flush();
    await().atMost(wait).until(() -> holds(bob, "hello from ann"));

    // bob talks: each of his lines is a JSON line on ann's stdout, which nobody reads
    String pad = "x".repeat(300);
    List<CompletableFuture<ChatMessage>> sent = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      sent.add(bob.send(i + " " + pad));
    }
    CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

    // ann types a line: her room must still author and send it
    typed.write("still alive\n".getBytes(StandardCharsets.UTF_8));
    typed.flush();
    await().atMost(wait).failFast(() -> !ann.isAlive()).until(() -> holds(bob, "still alive"));
  }
}
