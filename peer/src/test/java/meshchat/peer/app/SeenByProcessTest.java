package meshchat.peer.app;

import static meshchat.peer.app.ChatProcesses.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * "Seen by k of n", with real processes: ann hears, as {@code seen} events and from /status, how
 * many of the peers linked now hold her message, as their digests show; a peer that leaves is no
 * longer counted in either number.
 */
class SeenByProcessTest {
  @RegisterExtension final ChatProcesses procs = new ChatProcesses();

  @Test
  void seenEventsAndStatusSayHowManyLinkedPeersHoldEachOwnMessage() throws Exception {
    List<Chat> room = procs.linked(WAIT, "ann", "bob", "cat");
    Chat ann = room.get(0);
    Chat bob = room.get(1);
    Chat cat = room.get(2);
    ann.in.println("hello both");
    String id = ann.peerId() + ":1";
    String seen = "{\"event\":\"seen\",\"id\":\"" + id + "\",";
    await().atMost(WAIT).until(() -> ann.count(seen + "\"holders\":0,\"linked\":2}") == 1);
    // the next digests of bob and cat list it
    await().atMost(WAIT).until(() -> ann.count(seen + "\"holders\":2,\"linked\":2}") == 1);
    ann.in.println("/status");
    await().atMost(WAIT).until(() -> ann.count(seen + "\"holders\":2,\"linked\":2}") == 2);

    cat.kill();
    await().atMost(WAIT).until(() -> ann.count("\"event\":\"peer-down\"") == 1);
    await().atMost(WAIT).until(() -> ann.count(seen + "\"holders\":1,\"linked\":1}") == 1);
    assertThat(ann.out).noneMatch(l -> l.contains("\"holders\":3"));
    assertThat(bob.out).noneMatch(l -> l.contains("\"event\":\"seen\"")); // not bob's message
  }
}
