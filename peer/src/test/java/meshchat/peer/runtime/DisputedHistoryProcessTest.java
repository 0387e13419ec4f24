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
 * rev30 FINDING-2. What is wrong: the chat's {@code /history} prints every stored line with {@code
 * ChatView.line(m, false, null, false)}, i.e. {@code disputed = false} always. Once a member is
 * proven to have signed two histories, the live view marks its lines from the fork on with {@code ⚠
 * disputed} (docs/security.md "Equivocation": "Messages at or above F are disputed: kept where they
 * arrived and shown with a mark"), but {@code /history}, the very command a user runs to re-read
 * what was said, shows the same lines as ordinary, trusted ones: the equivocator's "the vote
 * passed" and "and another thing" lose their mark.
 *
 * <p>Correct behaviour: {@code /history} marks a line disputed exactly as the live view does (the
 * room knows the proven seq F of each equivocator: {@code PeerNode.equivocators()}).
 */
class DisputedHistoryProcessTest {
  @RegisterExtension final ChatProcesses procs = new ChatProcesses();

  @Test
  void historyMarksAnEquivocatorsDisputedLinesAsTheLiveViewDoes() throws Exception {
    Chat chat = procs.alone("vic");
    int port = chat.port();

    Identity mallory = Identity.generate();
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
      await().atMost(WAIT).until(() -> chat.count("\"event\":\"equivocation\"") == 1);
      ChatMessage later = no.next("and another thing");
      second.send(new LinkMessage.Chat(later));
      second.send(new LinkMessage.Head(no.head()));
      await().atMost(WAIT).until(() -> chat.count("and another thing") == 1);
    }
    // live: the later line is marked
    assertThat(chat.out)
        .filteredOn(l -> l.contains("and another thing"))
        .singleElement()
        .satisfies(l -> assertThat(l).contains("\"equivocating\":true"));

    chat.in.println("/history 10");
    await().atMost(WAIT).until(() -> chat.count("and another thing") == 2);
    assertThat(chat.out)
        .filteredOn(l -> l.contains("\"event\":\"info\"") && l.contains("and another thing"))
        .as("/history's line for the equivocator's disputed message")
        .singleElement()
        .satisfies(l -> assertThat(l).contains("disputed"));
  }
}
