package meshchat.peer.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import meshchat.fixture.netty.LoopbackCluster;
import meshchat.peer.identity.ChainAuthor;
import meshchat.peer.identity.Identity;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.MessageId;
import meshchat.peer.room.Delivery;
import meshchat.peer.store.sqlite.SqliteMessageStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The history stories of issue 4, in one JVM over loopback, every peer with a real SQLite store and
 * peer cache in its own data dir: crash and restart, tracker gone, partition, large history.
 */
class HistoryAcceptanceTest {
  // a bound, not a pause: on a loaded box a link can take several TLS handshake timeouts (5 s each)
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path tmp;

  private static void awaitLinks(LoopbackCluster mesh, int... peers) {
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              for (int i : peers) {
                assertThat(mesh.node(i).linkCount())
                    .as("links of p" + i)
                    .isEqualTo(peers.length - 1);
              }
            });
  }

  private static List<MessageId> history(PeerNode n) {
    List<MessageId> out = new ArrayList<>();
    n.history(100_000).join().forEach(m -> out.add(m.id()));
    return out;
  }

  /** Every listed peer holds exactly {@code size} messages, in one identical canonical order. */
  private static void awaitSameHistory(LoopbackCluster mesh, int size, int... peers) {
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              List<MessageId> first = history(mesh.node(peers[0]));
              assertThat(first).hasSize(size).doesNotHaveDuplicates();
              for (int i : peers) {
                assertThat(history(mesh.node(i))).as("history of p" + i).isEqualTo(first);
              }
            });
  }

  /**
   * Every listed peer's listener has been handed at least {@code size} deliveries. The history is
   * read from the store, which lists a burst's rows before the burst's commit hands its deliveries
   * to the listener (NodeEffects: shown once the commit is done, in a task queued behind the
   * history read that may come in between), so a history in place does not mean its deliveries are.
   */
  private static void awaitShown(LoopbackCluster mesh, int size, int... peers) {
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              for (int i : peers) {
                assertThat(mesh.seen(i).deliveries.size())
                    .as("deliveries of p" + i)
                    .isGreaterThanOrEqualTo(size);
              }
            });
  }

  @Test
  void aCrashedPeerRestartsFromItsFileCatchesUpAndContinuesItsSeqs() {
    try (LoopbackCluster mesh = new LoopbackCluster(42, tmp).startTracker()) {
      mesh.startAll(3);
      awaitLinks(mesh, 0, 1, 2);
      for (int k = 0; k < 3; k++) {
        mesh.node(2).send("before the crash " + k).join();
      }
      awaitSameHistory(mesh, 3, 0, 1, 2);

      mesh.crash(2, true);
      for (int k = 0; k < 5; k++) {
        mesh.node(0).send("while p2 is down " + k);
        mesh.node(1).send("also while p2 is down " + k);
      }
      awaitSameHistory(mesh, 13, 0, 1);

      PeerNode back = mesh.start(2); // same data dir: same SQLite file and peer cache
      awaitLinks(mesh, 0, 1, 2);
      awaitSameHistory(mesh, 13, 0, 1, 2);
      awaitShown(mesh, 10, 2);
      assertThat(mesh.seen(2).deliveries)
          .as("the restart delivers only what it missed, as catch-up")
          .hasSize(10)
          .allMatch(Delivery::catchUp);

      back.send("after the restart 1").join();
      back.send("after the restart 2").join();
      awaitSameHistory(mesh, 15, 0, 1, 2);
      List<Long> ownSeqs = new ArrayList<>();
      for (ChatMessage m : mesh.node(0).history(100).join()) {
        if (m.origin().equals(back.self())) {
          ownSeqs.add(m.seq());
        }
      }
      assertThat(ownSeqs).containsExactly(1L, 2L, 3L, 4L, 5L); // no seq reused, none skipped
    }
  }

  @Test
  void theRoomOutlivesItsTrackerAndARestartFindsItThroughThePeerCache() throws Exception {
    try (LoopbackCluster mesh = new LoopbackCluster(42, tmp).startTracker()) {
      mesh.startAll(3);
      awaitLinks(mesh, 0, 1, 2);
      for (int i = 0; i < 3; i++) {
        mesh.node(i).send("hello from p" + i);
      }
      awaitSameHistory(mesh, 3, 0, 1, 2);
      // the tracker named them: remembered at once, written off the room thread
      Path cache = mesh.dataDir(2).resolve("peers");
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(Files.exists(cache) ? Files.readString(cache) : "")
                      .contains(mesh.id(0).hex())
                      .contains(mesh.id(1).hex()));

      mesh.stopTracker();
      mesh.node(0).send("the tracker is gone");
      mesh.node(1).send("we chat anyway");
      awaitSameHistory(mesh, 5, 0, 1, 2);
      assertThat(mesh.seen(0).events).noneMatch(e -> e.startsWith("down"));

      mesh.crash(2, true);
      mesh.node(0).send("p2 crashed");
      PeerNode back = mesh.start(2); // no tracker anywhere: only the cache knows the room
      awaitLinks(mesh, 0, 1, 2);
      awaitSameHistory(mesh, 6, 0, 1, 2);
      assertThat(mesh.seen(2).infos).anyMatch(l -> l.contains("unreachable"));
      back.send("back via the cache");
      awaitSameHistory(mesh, 7, 0, 1, 2);

      mesh.startTracker(); // everyone registers again; a brand-new peer finds them there
      mesh.start(3);
      awaitLinks(mesh, 0, 1, 2, 3);
      awaitSameHistory(mesh, 7, 0, 1, 2, 3);
      awaitShown(mesh, 7, 3);
      assertThat(mesh.seen(3).texts()).contains("hello from p0", "back via the cache");
    }
  }

  @Test
  void aPartitionedRoomKeepsTalkingInBothHalvesAndConvergesWhenHealed() throws Exception {
    int n = 4;
    try (LoopbackCluster mesh = new LoopbackCluster(42, tmp).behindProxies()) {
      for (int i = 0; i < n; i++) {
        mesh.start(mesh.config(i).withTracker(null, false));
      }
      for (int i = 0; i < n; i++) {
        for (int j = i + 1; j < n; j++) {
          mesh.node(i).dial(mesh.address(j)); // through j's fault proxy
        }
      }
      awaitLinks(mesh, 0, 1, 2, 3);
      for (int i = 0; i < n; i++) {
        mesh.node(i).send("before the split, p" + i);
      }
      awaitSameHistory(mesh, 4, 0, 1, 2, 3);

      mesh.partition(List.of(Set.of(0, 1), Set.of(2, 3)));
      awaitLinks(mesh, 0, 1);
      awaitLinks(mesh, 2, 3);
      for (int k = 0; k < 4; k++) {
        for (int i = 0; i < n; i++) {
          mesh.node(i).send((i < 2 ? "left " : "right ") + "p" + i + "." + k);
        }
      }
      awaitSameHistory(mesh, 12, 0, 1);
      awaitSameHistory(mesh, 12, 2, 3);
      assertThat(history(mesh.node(0))).isNotEqualTo(history(mesh.node(2)));

      // The heal reaches p1 last: until the rest have converged it hears the other half only
      // through p0, whose digests name the right half's partition talk as an author's latest few
      // messages, which p1 grafts from p0 and shows live (decisions/0012); p0, p2 and p3 get
      // what they lack by sync or by graft, depending on which link's digest comes first. So the
      // promise checked is the one both paths keep: everyone converges, shows each of the other
      // half's messages once, after the heal, and marks those that sort before lines shown.
      mesh.heal();
      mesh.block(1, 2);
      mesh.block(1, 3);
      redialUntilLinked(mesh, new int[] {0}, new int[] {2, 3}, 3, 1, 2, 2);
      awaitSameHistory(mesh, 20, 0, 1, 2, 3);
      assertThat(mesh.node(1).linkCount()).as("p1 converged through p0 alone").isEqualTo(1);

      mesh.heal();
      redialUntilLinked(mesh, new int[] {0, 1}, new int[] {2, 3}, n - 1, n - 1, n - 1, n - 1);
      awaitSameHistory(mesh, 20, 0, 1, 2, 3);
      awaitShown(mesh, 20, 0, 1, 2, 3);
      for (int i = 0; i < n; i++) {
        String otherHalf = i < 2 ? "right " : "left ";
        List<Delivery> ds = mesh.seen(i).deliveries;
        assertThat(ds).hasSize(20);
        assertThat(ds)
            .extracting(d -> d.message().id())
            .as("p%d, once each", i)
            .doesNotHaveDuplicates();
        assertThat(ds.subList(0, 12))
            .as("p%d showed nothing of the other half while apart", i)
            .noneMatch(d -> d.message().text().startsWith(otherHalf));
        assertThat(ds.subList(12, 20))
            .as("p%d showed the other half's partition talk after the heal", i)
            .allMatch(d -> d.message().text().startsWith(otherHalf));
        assertThat(ds)
            .as("p%d marks what sorts before messages it already showed as late", i)
            .anyMatch(d -> d.late() && d.message().text().startsWith(otherHalf));
      }
    }
  }

  /**
   * Redials back off while peers are apart, so after a heal the cross pairs are pointed at each
   * other again until every peer has its expected number of links, as a tracker would announce them
   * again.
   */
  private static void redialUntilLinked(
      LoopbackCluster mesh, int[] dialers, int[] targets, int... links) {
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              for (int i : dialers) {
                for (int j : targets) {
                  mesh.node(i).dial(mesh.address(j));
                }
              }
              for (int i = 0; i < links.length; i++) {
                assertThat(mesh.node(i).linkCount()).as("links of p" + i).isEqualTo(links[i]);
              }
            });
  }

  @Test
  void aBrandNewPeerGetsAllOfATenThousandMessageHistory() throws Exception {
    int total = 10_000;
    try (LoopbackCluster mesh = new LoopbackCluster(42, tmp).startTracker()) {
      mesh.config(1); // allocate ids 0 and 1 so the fill uses two other origins
      prefill(mesh.dataDir(0), total);
      mesh.start(0);
      mesh.start(1);
      await().atMost(WAIT).until(() -> mesh.seen(1).deliveries.size() == total);
      assertThat(mesh.seen(1).ids()).doesNotHaveDuplicates();
      assertThat(mesh.seen(1).deliveries).allMatch(d -> d.catchUp() && !d.late());
      assertThat(history(mesh.node(1))).isEqualTo(history(mesh.node(0)));
      assertThat(mesh.seen(1).events).anyMatch(e -> e.startsWith("notice SyncProgress"));
    }
  }

  /** Two authors' chained conversation, written straight into the SQLite file. */
  static void prefill(Path dataDir, int total) throws Exception {
    Files.createDirectories(dataDir);
    // chained with signed heads, as real authors' messages are: peers refuse and never serve
    // messages no head covers
    ChainAuthor[] authors = {
      new ChainAuthor(Identity.generate(), "lobby"), new ChainAuthor(Identity.generate(), "lobby")
    };
    try (SqliteMessageStore store = SqliteMessageStore.open(dataDir, "lobby")) {
      List<ChatMessage> chunk = new ArrayList<>();
      MessageId previous = null;
      for (int k = 0; k < total; k++) {
        int a = k % 2;
        List<MessageId> deps = previous == null ? List.of() : List.of(previous);
        ChatMessage m = authors[a].next(k + 1, 1_700_000_000_000L + k, "a" + a, "m" + k, deps);
        chunk.add(m);
        previous = m.id();
        if (m.seq() % 64 == 0 || k >= total - 2) {
          store.putHead(authors[a].head()); // a burst of 64
        }
        if (chunk.size() == 1_000) {
          store.appendAll(chunk);
          chunk.clear();
        }
      }
      store.appendAll(chunk);
    }
  }
}
