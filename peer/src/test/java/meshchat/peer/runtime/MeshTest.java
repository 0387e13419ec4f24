package meshchat.peer.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import meshchat.fixture.netty.LoopbackCluster;
import meshchat.fixture.netty.Recorder;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.MessageId;
import org.junit.jupiter.api.Test;

/** Real PeerNodes on loopback with an in-process tracker: the acceptance stories, in one JVM. */
class MeshTest {
  private static final Duration WAIT = Duration.ofSeconds(15);

  private static void awaitFullMesh(LoopbackCluster mesh, int n) {
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              for (int i = 0; i < n; i++) {
                assertThat(mesh.node(i).linkCount()).as("links of p" + i).isEqualTo(n - 1);
              }
            });
  }

  @Test
  void fivePeersStartedBeforeTheTrackerMeshAndAgreeOnOrder() throws Exception {
    try (LoopbackCluster mesh = new LoopbackCluster(42)) {
      mesh.startAll(5); // tracker last: every peer must retry on its own
      await()
          .atMost(WAIT)
          .until(
              () -> mesh.seen(0).infos.stream().anyMatch(l -> l.contains("unreachable, retrying")));
      mesh.startTracker();
      awaitFullMesh(mesh, 5);

      List<CompletableFuture<ChatMessage>> sent = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        for (int k = 0; k < 3; k++) {
          sent.add(mesh.node(i).send("m" + i + "." + k));
        }
      }
      CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();

      for (int i = 0; i < 5; i++) {
        Recorder r = mesh.seen(i);
        await().atMost(WAIT).until(() -> r.deliveries.size() >= 15);
        assertThat(r.ids()).doesNotHaveDuplicates().hasSize(15);
      }
      // the canonical order (history) is the same on every peer
      List<MessageId> canonical = ids(mesh.node(0).history(100).join());
      assertThat(canonical).hasSize(15);
      for (int i = 1; i < 5; i++) {
        assertThat(ids(mesh.node(i).history(100).join())).isEqualTo(canonical);
      }
      // ... and it is the (lamport, origin) order of what was delivered
      List<ChatMessage> sorted = new ArrayList<>(mesh.seen(3).messages());
      sorted.sort(Comparator.comparing(ChatMessage::timestamp));
      assertThat(ids(sorted)).isEqualTo(canonical);
    }
  }

  @Test
  void fullDuplexTwoPeersSendTenEachAtOnce() {
    try (LoopbackCluster mesh = new LoopbackCluster(42).startTracker()) {
      mesh.startAll(2);
      awaitFullMesh(mesh, 2);
      CompletableFuture<Void> a = CompletableFuture.runAsync(() -> sendTen(mesh.node(0), "a"));
      CompletableFuture<Void> b = CompletableFuture.runAsync(() -> sendTen(mesh.node(1), "b"));
      CompletableFuture.allOf(a, b).join();
      for (int i = 0; i < 2; i++) {
        Recorder r = mesh.seen(i);
        await().atMost(WAIT).until(() -> r.deliveries.size() >= 20);
        assertThat(r.ids()).doesNotHaveDuplicates().hasSize(20);
      }
    }
  }

  private static void sendTen(PeerNode n, String who) {
    for (int k = 0; k < 10; k++) {
      n.send(who + k);
    }
  }

  @Test
  void simultaneousDialsKeepOneLinkAndLoseNothing() {
    // no tracker: both peers are told of each other at the same moment and dial at once
    try (LoopbackCluster mesh = new LoopbackCluster(42)) {
      PeerNode a = mesh.start(mesh.config(0).withTracker(null, false));
      PeerNode b = mesh.start(mesh.config(1).withTracker(null, false));
      a.send("a-before");
      b.send("b-before");
      var addrA = new LinkMessage.PeerAddress(a.self(), "p0", "127.0.0.1", a.port());
      var addrB = new LinkMessage.PeerAddress(b.self(), "p1", "127.0.0.1", b.port());
      a.dial(addrB);
      b.dial(addrA);
      for (int k = 0; k < 20; k++) {
        a.send("a" + k);
        b.send("b" + k);
      }
      awaitFullMesh(mesh, 2);
      for (int i = 0; i < 2; i++) {
        Recorder r = mesh.seen(i);
        await().atMost(WAIT).until(() -> r.deliveries.size() >= 42);
        assertThat(r.ids()).doesNotHaveDuplicates().hasSize(42);
      }
      // one link per pair, and both sides kept the same connection: the one the smaller id dialed
      boolean aSmaller = a.self().compareTo(b.self()) < 0;
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                List<LinkInfo> la = a.links().join();
                List<LinkInfo> lb = b.links().join();
                assertThat(la).hasSize(1);
                assertThat(lb).hasSize(1);
                assertThat(la.get(0).dialedByUs()).isEqualTo(aSmaller);
                assertThat(lb.get(0).dialedByUs()).isEqualTo(!aSmaller);
              });
      assertThat(mesh.seen(0).events).containsOnlyOnce("up p1");
    }
  }

  @Test
  void aCrashedPeerIsReportedDownAndComesBackWhenRestarted() {
    try (LoopbackCluster mesh = new LoopbackCluster(42).startTracker()) {
      mesh.startAll(3);
      awaitFullMesh(mesh, 3);
      mesh.crash(2, true);
      await().atMost(Duration.ofSeconds(5)).until(() -> mesh.seen(0).events.contains("down p2"));
      await().atMost(Duration.ofSeconds(5)).until(() -> mesh.seen(1).events.contains("down p2"));
      PeerNode back = mesh.start(2);
      awaitFullMesh(mesh, 3);
      back.send("I am back");
      await().atMost(WAIT).until(() -> mesh.seen(0).texts().contains("I am back"));
    }
  }

  @Test
  void trackerRestartLeavesLinksAloneAndPeersRegisterAgain() throws Exception {
    try (LoopbackCluster mesh = new LoopbackCluster(42).startTracker()) {
      mesh.startAll(2);
      awaitFullMesh(mesh, 2);
      List<String> before = new ArrayList<>(mesh.seen(0).events);
      mesh.stopTracker();
      mesh.node(0).send("while the tracker is down");
      await().atMost(WAIT).until(() -> mesh.seen(1).texts().contains("while the tracker is down"));
      mesh.startTracker();
      // a third peer finds both through the restarted tracker: they registered again
      mesh.start(2);
      awaitFullMesh(mesh, 3);
      assertThat(mesh.seen(0).events.subList(0, before.size())).isEqualTo(before);
      assertThat(mesh.seen(0).events).doesNotContain("down p1");
    }
  }

  private static List<MessageId> ids(List<ChatMessage> ms) {
    List<MessageId> out = new ArrayList<>();
    ms.forEach(m -> out.add(m.id()));
    return out;
  }
}
