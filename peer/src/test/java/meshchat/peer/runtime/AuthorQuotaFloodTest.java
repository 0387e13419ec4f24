package meshchat.peer.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import meshchat.fixture.netty.LoopbackCluster;
import meshchat.peer.limit.Counters;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage.PeerAddress;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.peer.room.AuthorQuota;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A member floods past the author quota on real sockets (docs/security.md, "Author quota"): three
 * honest peers (n1 dials n0, n2 dials n1) and a member that posts without end, all with real SQLite
 * stores. Every honest peer keeps the flooder's lines up to the quota and none after; the honest
 * members' lines still reach everyone; every line any peer showed is in its store; and n0,
 * restarted, counts the day from what it stored, so it still refuses the flooder's next lines.
 */
class AuthorQuotaFloodTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String TEXT = "x".repeat(1_000);
  private static final long COST = AuthorQuota.ROW_BYTES + 2 + TEXT.length(); // nick "p3"
  private static final int KEPT = 10;
  private static final long QUOTA = KEPT * COST; // exactly ten lines: the eleventh is one past

  @TempDir Path dir;

  private PeerConfig config(LoopbackCluster mesh, int i) {
    return mesh.config(i)
        .withTracker(null, false)
        .with(d -> d.roomConfig = d.roomConfig.with(r -> r.authorQuotaBytes = QUOTA));
  }

  @Test
  void aFlooderIsHeldAtItsQuotaByEveryPeerWhileHonestLinesReachEveryone() throws Exception {
    try (LoopbackCluster mesh = new LoopbackCluster(42, dir)) {
      PeerNode n0 = mesh.start(config(mesh, 0));
      PeerNode n1 = mesh.start(config(mesh, 1));
      PeerNode n2 = mesh.start(config(mesh, 2));
      PeerNode flooder = mesh.start(config(mesh, 3));
      n1.dial(new PeerAddress(n0.self(), n0.nick(), "127.0.0.1", n0.port()));
      n2.dial(new PeerAddress(n1.self(), n1.nick(), "127.0.0.1", n1.port()));
      flooder.dial(new PeerAddress(n0.self(), n0.nick(), "127.0.0.1", n0.port()));
      // one room: n2 reaches n0 through n1, the flooder reaches everyone through n0 (peer exchange
      // may link more pairs: either way)
      await().atMost(WAIT).until(() -> n0.linkCount() >= 2 && n2.linkCount() >= 1);
      await().atMost(WAIT).until(() -> n1.linkCount() >= 2 && flooder.linkCount() >= 1);
      PeerId m = flooder.self();
      List<PeerNode> honest = List.of(n0, n1, n2);

      for (int i = 0; i < 3 * KEPT; i++) {
        flooder.send(TEXT).join();
      }
      for (PeerNode n : honest) {
        await()
            .atMost(WAIT)
            .untilAsserted(
                () -> {
                  assertThat(n.overQuota().join())
                      .as("%s holds the flooder", n.nick())
                      .containsKey(m);
                  assertThat(seqsOf(n, m)).as("%s keeps ten lines", n.nick()).hasSize(KEPT);
                });
        assertThat(n.counters().get(Counters.Counter.AUTHOR_QUOTA)).isPositive();
      }
      assertThat(mesh.seen(0).events).anyMatch(e -> e.contains("OverQuota"));

      // the honest members' lines reach everyone, the flooder too
      ChatMessage fromN2 = n2.send("honest words after the flood").join();
      ChatMessage fromN1 = n1.send("and mine").join();
      for (int i = 0; i < 4; i++) {
        int k = i;
        await().atMost(WAIT).until(() -> k == 2 || mesh.seen(k).ids().contains(fromN2.id()));
        await().atMost(WAIT).until(() -> k == 1 || mesh.seen(k).ids().contains(fromN1.id()));
      }

      // the flood goes on: none of its later lines is stored by anyone
      List<MessageId> later = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        later.add(flooder.send(TEXT + i).join().id());
      }
      // six digest rounds (500 ms each here) in which anyone who would fetch them would
      for (PeerNode n : honest) {
        await()
            .during(Duration.ofSeconds(3))
            .atMost(WAIT)
            .until(() -> n.history(10_000).join().stream().noneMatch(x -> later.contains(x.id())));
      }
      for (int i = 0; i < 3; i++) {
        PeerNode n = mesh.node(i);
        assertThat(seqsOf(n, m))
            .as("p%d keeps ten of the flooder's lines, no more", i)
            .hasSize(KEPT);
        Set<MessageId> stored = new HashSet<>();
        n.history(10_000).join().forEach(x -> stored.add(x.id()));
        assertThat(stored)
            .as("p%d stores none of the second wave", i)
            .doesNotContainAnyElementsOf(later);
        // nothing shown is lost: every line shown is in the store
        assertThat(stored).as("p%d", i).containsAll(mesh.seen(i).ids());
      }
      assertThat(seqsOf(flooder, m)).as("its own lines are its own").hasSize(3 * KEPT + 5);

      // a restart counts the day from what n0 stored: the flooder's next lines are still refused
      mesh.stop(0);
      PeerNode again = mesh.start(config(mesh, 0));
      again.dial(new PeerAddress(flooder.self(), flooder.nick(), "127.0.0.1", flooder.port()));
      ChatMessage next = flooder.send("one more").join();
      await().atMost(WAIT).until(() -> again.overQuota().join().containsKey(m));
      assertThat(seqsOf(again, m)).hasSize(KEPT).doesNotContain(next.seq());
    }
  }

  private static Set<Long> seqsOf(PeerNode n, PeerId origin) {
    Set<Long> out = new HashSet<>();
    for (ChatMessage x : n.history(10_000).join()) {
      if (x.origin().equals(origin)) {
        out.add(x.seq());
      }
    }
    return out;
  }
}
