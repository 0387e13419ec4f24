package meshchat.peer.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import meshchat.fixture.netty.LoopbackCluster;
import meshchat.peer.app.PeerMain;
import meshchat.peer.identity.ChainAuthor;
import meshchat.peer.identity.Identity;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage;
import meshchat.tracker.ChildJvm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user of the CLI sees of an equivocation, in a real {@code chat --json} process: a hostile
 * member gives it one signed version of a message, then another over a new link; the process tells
 * the equivocation once, flags the author's later message {@code "equivocating":true}, and {@code
 * /who} marks the author.
 */
class EquivocationProcessTest {
  private static final Duration WAIT = Duration.ofSeconds(60); // a JVM start takes 20 s loaded
  @TempDir Path tmp;
  private ChildJvm chat;

  @AfterEach
  void kill() {
    if (chat != null) {
      chat.process.destroyForcibly();
    }
  }

  @Test
  void theCliTellsTheEquivocationFlagsTheLaterMessageAndWhoMarksTheAuthor() throws Exception {
    int port = LoopbackCluster.freePort();
    chat =
        new ChildJvm(
            ChildJvm.java(
                    PeerMain.class,
                    "chat",
                    "--no-lan",
                    "--no-tracker",
                    "--json",
                    "--nick",
                    "vic",
                    "--port",
                    String.valueOf(port),
                    "--data",
                    tmp.resolve("vic").toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start());
    await().atMost(WAIT).until(() -> chat.count("\"event\":\"ready\"") == 1);

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
  }
}
