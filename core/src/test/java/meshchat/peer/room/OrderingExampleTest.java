package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.room.Mesh.Peer;
import org.junit.jupiter.api.Test;

/** The worked example of docs/ordering.md, step by step: if this fails, the doc is wrong. */
class OrderingExampleTest {

  @Test
  void theLunchExample() {
    Mesh mesh =
        new Mesh(
                RoomConfig.defaults().with(d -> d.syncIntervalMs = 60_000), "alice", "bob", "carol")
            .fullMesh()
            .pump();
    Peer alice = mesh.peer("alice");
    Peer bob = mesh.peer("bob");
    Peer carol = mesh.peer("carol");
    mesh.block("alice", "carol").block("carol", "bob"); // two slow paths

    ChatMessage a1 = alice.send("lunch?");
    ChatMessage c1 = carol.send("who's in?"); // concurrent: neither has seen the other
    assertThat(a1.lamport()).isEqualTo(1);
    assertThat(c1.lamport()).isEqualTo(1);

    mesh.pump(); // bob gets a1, alice gets c1
    assertThat(bob.room.lamport()).isEqualTo(2); // max(0, 1) + 1
    assertThat(alice.room.lamport()).isEqualTo(2); // max(1, 1) + 1

    ChatMessage b1 = bob.send("yes");
    assertThat(b1.lamport()).isEqualTo(3);
    assertThat(b1.deps()).containsExactly(a1.id());

    mesh.pump(); // alice gets b1; carol gets b1 before a1 and holds it back
    assertThat(alice.room.lamport()).isEqualTo(4); // max(2, 3) + 1
    assertThat(carol.room.lamport()).isEqualTo(4); // max(1, 3) + 1
    assertThat(carol.shown()).containsExactly("who's in?");
    assertThat(carol.room.heldBackCount()).isEqualTo(1);

    mesh.unblock("alice", "carol").deliverOn(List.of(alice.id, carol.id)); // a1 lands at last
    assertThat(carol.room.lamport()).isEqualTo(5); // max(4, 1) + 1
    assertThat(carol.shown()).containsExactly("who's in?", "lunch?", "yes"); // b1 released

    mesh.unblock("carol", "bob").deliverOn(List.of(carol.id, bob.id)); // c1 lands at bob
    assertThat(bob.room.lamport()).isEqualTo(4); // max(3, 1) + 1
    mesh.pump(); // carol's request for a1 is answered; a duplicate, dropped

    // one canonical order everywhere: (1, alice) < (1, carol) < (3, bob)
    for (Peer p : List.of(alice, bob, carol)) {
      assertThat(p.history()).containsExactly(a1.id(), c1.id(), b1.id());
    }
    // what each screen showed, in arrival order
    assertThat(alice.shown()).containsExactly("lunch?", "who's in?", "yes");
    assertThat(alice.deliveries).noneMatch(Delivery::late);

    assertThat(bob.shown()).containsExactly("lunch?", "yes", "who's in?");
    assertThat(bob.deliveryOf(c1.id()).late()).isTrue();
    assertThat(bob.deliveryOf(c1.id()).after()).isEqualTo(a1.id());

    assertThat(carol.shown()).containsExactly("who's in?", "lunch?", "yes");
    assertThat(carol.deliveryOf(a1.id()).late()).isTrue();
    assertThat(carol.deliveryOf(a1.id()).after()).isNull(); // it belongs first
    assertThat(carol.deliveryOf(b1.id()).late()).isFalse();
  }
}
