package meshchat.peer.runtime;

import static meshchat.peer.app.ChatProcesses.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;
import meshchat.peer.app.Chat;
import meshchat.peer.app.ChatProcesses;
import meshchat.peer.identity.ChainAuthor;
import meshchat.peer.identity.Identity;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * rev30 FINDING-6. What is wrong: a message held back for a missing predecessor is stored and
 * marked {@code waiting}, and a restart holds it back again (docs/storage.md, "Held back": "a crash
 * while a message waits neither loses it from the screen nor shows its predecessor after it"). But
 * the scrollback a plain chat prints at start ({@code ChatView.ready} -> {@code PeerNode.history}
 * -> {@code MessageStore.history}) reads every stored message, the waiting ones included: after a
 * {@code kill -9} the held line is printed at once as an ordinary line, out of causal order and
 * without its "(incomplete ...)" mark, before the predecessor it waits for (never shown here). The
 * room still holds it back and releases it later (in order, or incomplete at the hold-back
 * timeout), so it can be shown twice. The same goes for {@code /history}.
 *
 * <p>Correct behaviour: a message marked waiting is not in the scrollback (nor {@code /history})
 * until the room shows it, so each line is shown once, in its place.
 */
class HeldBackScrollbackProcessTest {
  @RegisterExtension final ChatProcesses procs = new ChatProcesses();

  @Test
  void aLineHeldBackAtAKillIsNotInTheScrollbackBeforeItsPredecessor() throws Exception {
    String data = procs.dir().resolve("vic").toString();
    Chat first = procs.alone("vic");
    // a line of vic's own, shown (so stored) before the kill: the scrollback at start has a line
    // to print under its divider, whatever it leaves out
    first.in.println("good morning");
    await().atMost(WAIT).until(() -> first.count("good morning") > 0);

    Identity mallory = Identity.generate();
    ChainAuthor author = new ChainAuthor(mallory, "lobby");
    author.next("the question"); // never sent: its successor waits for it
    ChatMessage answer = author.next("the answer to it");
    try (RawPeer link = new RawPeer(mallory, first.port(), null)) {
      link.send(new LinkMessage.Chat(answer));
      link.send(new LinkMessage.Head(author.head()));
      first.in.println("/status");
      await()
          .atMost(WAIT)
          .until(
              () -> {
                if (first.count("1 messages waiting for earlier ones") > 0) {
                  return true;
                }
                first.in.println("/status");
                return false;
              });
      first.kill(); // within the 5 s hold-back: the line is stored, marked waiting, never shown
    }
    assertThat(first.count("the answer to it")).as("held back, not shown before the kill").isZero();

    Chat again =
        procs.start(
            ChatProcesses.java("chat", "--no-tracker", "--nick", "vic", "--data", data)
                .redirectError(ProcessBuilder.Redirect.DISCARD),
            null);
    await().atMost(WAIT).until(() -> again.count("── now ──") > 0); // the scrollback is printed
    List<String> scrollback = again.out.subList(0, again.out.indexOf("── now ──"));
    assertThat(scrollback).anyMatch(l -> l.contains("good morning"));
    assertThat(scrollback)
        .as("the scrollback at start: the held line's predecessor was never shown, nor was it")
        .noneMatch(l -> l.contains("the answer to it"));
  }
}
