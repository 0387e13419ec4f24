package meshchat.peer.runtime;

import static meshchat.peer.app.ChatProcesses.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import meshchat.peer.app.Chat;
import meshchat.peer.app.ChatProcesses;
import meshchat.peer.identity.ChainAuthor;
import meshchat.peer.identity.Identity;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a user of the CLI sees of an equivocation, in a real {@code chat --json} process: a hostile
 * member gives it one signed version of a message, then another over a new link; the process tells
 * the equivocation once, flags the author's later message {@code "equivocating":true}, and {@code
 * /who} marks the author; {@code /history} marks the disputed line as the live view does (rev30
 * FINDING-2: it printed every stored line as an ordinary, trusted one, so the equivocator's later
 * line lost its mark in the very command a user runs to re-read what was said).
 */
class EquivocationProcessTest {
  @RegisterExtension final ChatProcesses procs = new ChatProcesses();

  @Test
  void theCliTellsTheEquivocationFlagsTheLaterMessageAndWhoAndHistoryMarkIt() throws Exception {
    Chat chat = procs.alone("vic");
    // where it listens, as its ready event says: a port picked here and let go could be taken
    // by anything on the box while the JVM starts
    int port = chat.port();

    Identity mallory = Identity.generate();
    String id = mallory.peerId().hex();
    ChainAuthor yes = new ChainAuthor(mallory, "lobby");
    ChainAuthor no = new ChainAuthor(mallory, "lobby");
    ChatMessage passed = yes.next("the vote passed");
    ChatMessage failed = no.next("the vote failed");
    try (RawPeer first = new RawPeer(mallory, port, null)) {
      first.send(new LinkMessage.Chat(passed));
      first.send(new LinkMessage.Head(yes.head()));
      await().atMost(WAIT).until(() -> chat.count("the vote passed") == 1);
    }
    try (RawPeer second = new RawPeer(mallory, port, null)) {
      second.send(new LinkMessage.Chat(failed));
      second.send(new LinkMessage.Head(no.head()));
      await()
          .atMost(WAIT)
          .until(
              () ->
                  chat.count("{\"event\":\"equivocation\",\"origin\":\"" + id + "\",\"seq\":1}")
                      == 1);
      ChatMessage later = no.next("and another thing");
      second.send(new LinkMessage.Chat(later));
      second.send(new LinkMessage.Head(no.head()));
      await().atMost(WAIT).until(() -> chat.count("and another thing") == 1);
    }
    assertThat(chat.out)
        .filteredOn(l -> l.contains("and another thing"))
        .singleElement()
        .satisfies(l -> assertThat(l).contains("\"equivocating\":true"));
    assertThat(chat.out)
        .filteredOn(l -> l.contains("the vote passed"))
        .singleElement()
        .satisfies(l -> assertThat(l).contains("\"equivocating\":false"));
    assertThat(chat.count("the vote failed")).as("the second version is never shown").isZero();

    chat.in.println("/who");
    await().atMost(WAIT).until(() -> chat.count("equivocating: signed two histories") == 1);
    assertThat(chat.out)
        .filteredOn(l -> l.contains("equivocating: signed two histories"))
        .singleElement()
        .satisfies(l -> assertThat(l).contains(mallory.peerId().shortHex()).contains("#1"));

    chat.in.println("/history 10");
    await().atMost(WAIT).until(() -> chat.count("and another thing") == 2);
    assertThat(chat.out)
        .filteredOn(l -> l.contains("\"event\":\"info\"") && l.contains("and another thing"))
        .as("/history's line for the equivocator's disputed message")
        .singleElement()
        .satisfies(l -> assertThat(l).contains("disputed"));
  }
}
