package meshchat.peer.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import meshchat.tracker.TrackerConfig;
import meshchat.tracker.TrackerServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Seen by k of n", with real processes: ann hears, as {@code seen} events and from /status, how
 * many of the peers linked now hold her message, as their digests show; a peer that leaves is no
 * longer counted in either number.
 */
class SeenByProcessTest {
  private static final Duration WAIT = Duration.ofSeconds(60); // a JVM start: 20 s when loaded
  @TempDir Path tmp;
  private final List<CliProcessTest.Chat> chats = new ArrayList<>();
  private TrackerServer tracker;

  @AfterEach
  void tearDown() {
    chats.forEach(c -> c.process.destroyForcibly());
    if (tracker != null) {
      tracker.close();
    }
  }

  @Test
  void seenEventsAndStatusSayHowManyLinkedPeersHoldEachOwnMessage() throws Exception {
    tracker = TrackerServer.start(TrackerConfig.localTest());
    int port = tracker.localAddress().getPort();
    CliProcessTest.Chat ann = chat("ann", port);
    CliProcessTest.Chat bob = chat("bob", port);
    CliProcessTest.Chat cat = chat("cat", port);
    for (CliProcessTest.Chat c : List.of(ann, bob, cat)) {
      await().atMost(WAIT).until(() -> c.count("\"event\":\"peer-up\"") == 2);
    }
    ann.in.println("hello both");
    String id = ann.peerId() + ":1";
    String seen = "{\"event\":\"seen\",\"id\":\"" + id + "\",";
    await().atMost(WAIT).until(() -> ann.count(seen + "\"holders\":0,\"linked\":2}") == 1);
    // the next digests of bob and cat list it
    await().atMost(WAIT).until(() -> ann.count(seen + "\"holders\":2,\"linked\":2}") == 1);
    ann.in.println("/status");
    await().atMost(WAIT).until(() -> ann.count(seen + "\"holders\":2,\"linked\":2}") == 2);

    cat.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    await().atMost(WAIT).until(() -> ann.count("\"event\":\"peer-down\"") == 1);
    await().atMost(WAIT).until(() -> ann.count(seen + "\"holders\":1,\"linked\":1}") == 1);
    assertThat(ann.out).noneMatch(l -> l.contains("\"holders\":3"));
    assertThat(bob.out).noneMatch(l -> l.contains("\"event\":\"seen\"")); // not bob's message
  }

  private CliProcessTest.Chat chat(String nick, int port) throws Exception {
    CliProcessTest.Chat c = CliProcessTest.Chat.start(tmp, nick, port);
    chats.add(c);
    return c;
  }
}
