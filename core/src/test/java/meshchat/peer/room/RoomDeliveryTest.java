package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage.Chat;
import meshchat.peer.message.LinkMessage.PeerList;
import meshchat.peer.message.MessageId;
import meshchat.peer.room.Mesh.Peer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Live delivery: exactly once, one order everywhere, forwarding only across gaps. */
class RoomDeliveryTest {
  static final RoomConfig CONFIG = RoomConfig.defaults().with(cfg -> cfg.syncIntervalMs = 1_000);
  static final String[] FIVE = {"alice", "bob", "carol", "dave", "erin"};

  @ParameterizedTest
  @ValueSource(ints = {3, 4, 5})
  void fullMeshDeliversEveryMessageOnceInOneOrder(int n) {
    Mesh mesh = new Mesh(CONFIG, Arrays.copyOf(FIVE, n)).fullMesh().pump();

    for (Peer p : mesh.peers()) {
      for (int i = 1; i <= 3; i++) {
        p.send(p.name + " " + i); // back to back, nothing pumped in between
      }
    }
    mesh.pump();

    List<MessageId> canonical = mesh.peer("alice").history();
    assertThat(canonical).hasSize(3 * n).doesNotHaveDuplicates();
    for (Peer p : mesh.peers()) {
      assertThat(p.shownIds()).as(p.name).hasSize(3 * n).doesNotHaveDuplicates();
      assertThat(p.shownIds()).as(p.name).containsExactlyInAnyOrderElementsOf(canonical);
      assertThat(p.history()).as(p.name).isEqualTo(canonical);
    }
    // full mesh: each message went once to each other peer, nothing forwarded
    assertThat(mesh.sentOf(Chat.class)).hasSize(3 * n * (n - 1));
  }

  @Test
  void ownMessagesAreShownAtOnceAndNeverLate() {
    Mesh mesh = new Mesh(CONFIG, "alice", "bob").fullMesh().pump();
    ChatMessage m = mesh.peer("alice").send("hi");
    assertThat(mesh.peer("alice").deliveries)
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.message()).isEqualTo(m);
              assertThat(d.late()).isFalse();
              assertThat(d.catchUp()).isFalse();
              assertThat(d.incomplete()).isFalse();
            });
    assertThat(m.id().seq()).isEqualTo(1);
    assertThat(m.lamport()).isEqualTo(1);
  }

  /**
   * The room remembers the link the last message came by (a burst comes by one link): once that
   * link is down, what is still handed over as from it is dropped, and a new link to the same peer
   * is the one its messages count for.
   */
  @Test
  void aMessageHandedOverAfterItsLinkWentDownIsDropped() {
    Mesh mesh = new Mesh(CONFIG, "alice", "bob").fullMesh().pump();
    Peer alice = mesh.peer("alice");
    Peer bob = mesh.peer("bob");
    alice.send("one");
    mesh.pump();
    assertThat(bob.shown()).containsExactly("one"); // came by alice's link, remembered
    mesh.unlink("alice", "bob").pump();
    ChatMessage late = alice.send("two");
    bob.room.receive(alice.id, new Chat(late)); // queued before the link went down
    assertThat(bob.shown()).containsExactly("one");
    assertThat(bob.store.count()).isEqualTo(1);

    mesh.link("alice", "bob").pump();
    ChatMessage three = alice.send("three");
    bob.room.receive(alice.id, new Chat(three)); // by the new link, before the wire's copy
    assertThat(bob.shown()).contains("three");
    mesh.pump();
    assertThat(bob.shown()).containsExactlyInAnyOrder("one", "two", "three");
  }

  @Test
  void aMessageArrivingOnTwoLinksIsShownOnce() {
    Mesh mesh = new Mesh(CONFIG, "alice", "bob", "carol").fullMesh().pump();
    ChatMessage m = mesh.peer("alice").send("once");
    mesh.inject("bob", "carol", new Chat(m)); // as if bob had forwarded it too
    mesh.pump();

    assertThat(mesh.peer("carol").shown()).containsExactly("once");
    assertThat(mesh.peer("carol").store.count()).isEqualTo(1);
  }

  @Test
  void aLineForwardsAcrossTheGapAndAFullMeshForwardsNothing() {
    // alice — bob — carol: alice and carol are not linked
    Mesh line = new Mesh(CONFIG, "alice", "bob", "carol").link("alice", "bob");
    line.link("bob", "carol").pump(); // peer lists tell bob who carol is linked to

    ChatMessage m = line.peer("alice").send("across");
    line.pump();

    assertThat(line.peer("carol").shown()).containsExactly("across");
    assertThat(line.sentOf(Chat.class, line.from("alice"))).hasSize(1);
    assertThat(line.sentOf(Chat.class, line.from("bob").and(line.to("carol"))))
        .containsExactly(new Chat(m));
    assertThat(line.sentOf(Chat.class, line.from("carol"))).isEmpty(); // nowhere left to go

    Mesh full = new Mesh(CONFIG, "alice", "bob", "carol").fullMesh().pump();
    full.peer("alice").send("direct");
    full.pump();
    assertThat(full.sentOf(Chat.class)).hasSize(2);
    assertThat(full.sentOf(Chat.class, full.from("alice"))).hasSize(2);
  }

  /**
   * alice — xavier — bob — carol, and xavier's list tells bob it is linked to carol (it is not).
   * Only an author's list says whom a message was pushed to: bob still forwards alice's message,
   * which xavier brought, to carol.
   */
  @Test
  void aRelaysListNamingAPeerDoesNotStopForwardingToIt() {
    Mesh line = new Mesh(CONFIG, "alice", "xavier", "bob", "carol").link("alice", "xavier");
    line.link("xavier", "bob").link("bob", "carol").run(CONFIG.peerListDelayMs());
    line.inject(
        "xavier",
        "bob",
        new PeerList(
            List.of(
                line.peer("alice").address(),
                line.peer("bob").address(),
                line.peer("carol").address())));
    line.pump();

    ChatMessage m = line.peer("alice").send("across");
    line.pump();

    assertThat(line.sentOf(Chat.class, line.from("bob").and(line.to("carol"))))
        .containsExactly(new Chat(m));
    assertThat(line.peer("carol").shown()).containsExactly("across");
  }

  @Test
  void overlongTextIsRefusedAndNothingIsSent() {
    Mesh mesh =
        new Mesh(CONFIG.with(cfg -> cfg.maxTextBytes = 10), "alice", "bob").fullMesh().pump();
    Peer alice = mesh.peer("alice");
    int before = mesh.sent.size();

    assertThatThrownBy(() -> alice.send("x".repeat(11)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("11 bytes")
        .hasMessageContaining("10");
    // six characters but twelve UTF-8 bytes: the limit is on bytes, as on the wire
    assertThatThrownBy(() -> alice.send("é".repeat(6)))
        .isInstanceOf(IllegalArgumentException.class);

    assertThat(mesh.sent).hasSize(before);
    assertThat(alice.deliveries).isEmpty();
    assertThat(alice.room.ownSeq()).isZero();
    assertThat(alice.store.count()).isZero();
    assertThat(alice.send("x".repeat(10)).seq()).isEqualTo(1); // the limit itself is fine
  }

  @Test
  void twoMessagesWithOneIdAreAForkToldOnceAndTheFirstIsKept() {
    Mesh mesh = new Mesh(CONFIG, "alice", "mallory").fullMesh().pump();
    Peer mallory = mesh.peer("mallory");
    MessageId id = new MessageId(mallory.id, 1);
    ChatMessage first = new ChatMessage(id, 1, 0, "mallory", "pay bob", List.of());
    ChatMessage second = new ChatMessage(id, 1, 0, "mallory", "pay eve", List.of());
    ChatMessage third = new ChatMessage(id, 2, 0, "mallory", "pay zed", List.of());

    mesh.inject("mallory", "alice", new Chat(first));
    mesh.inject("mallory", "alice", new Chat(second));
    mesh.inject("mallory", "alice", new Chat(third));
    mesh.pump();

    Peer alice = mesh.peer("alice");
    assertThat(alice.shown()).containsExactly("pay bob");
    assertThat(alice.notices(RoomNotice.Fork.class))
        .containsExactly(new RoomNotice.Fork(first, second));
    assertThat(alice.store.get(id)).contains(first);
    assertThat(alice.store.conflictCount()).isEqualTo(2);
  }
}
