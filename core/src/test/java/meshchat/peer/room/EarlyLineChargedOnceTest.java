package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;

import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage.Chat;
import meshchat.peer.message.LinkMessage.Unsigned;
import meshchat.peer.store.MessageStore;
import org.junit.jupiter.api.Test;

/**
 * rev33 FINDING. docs/security.md, "Author quota": "nor is a line charged twice (a line shown early
 * was charged when shown ...)". {@code Room.admissible} skips the charge of a line shown early only
 * when its signed copy comes on its author's own link ({@code m.origin().equals(from.id()) &&
 * early.wasShown}). When the author's link goes down before its head and the signed copy comes by
 * another peer (a digest and a sync batch, the path {@code RoomEarlyLinesTest} pins as shown once),
 * the line is charged a second time: each such line costs its author twice its bytes, so an author
 * whose links flap (or whose lines a neighbour relays ahead of the author's head) is held at half
 * its quota.
 */
class EarlyLineChargedOnceTest {
  @Test
  void aLineShownEarlyAndStoredFromAnotherPeerIsChargedOnce() {
    Mesh mesh =
        new Mesh(
                RoomConfig.defaults()
                    .with(
                        d -> {
                          d.syncIntervalMs = 200;
                          d.authorQuotaBytes = 1 << 20;
                        }),
                true,
                "a",
                "b",
                "c")
            .fullMesh();
    mesh.block("a", "b");
    mesh.peer("a").send("x");
    ChatMessage x = mesh.sentOf(Chat.class, mesh.from("a").and(mesh.to("b"))).get(0).message();
    Mesh.Peer b = mesh.peer("b");
    b.room.receive(mesh.peer("a").id, new Unsigned(x)); // shown early on a's own link: charged
    mesh.unlink("a", "b");
    mesh.run(EarlyLines.GRACE_MS * 2); // c's digest lists it; b fetches it, signed, from c
    assertThat(b.store.get(x.id())).contains(x);
    assertThat(b.shown()).containsExactly("x");

    long charged =
        b.store.charges(Long.MIN_VALUE).stream()
            .filter(c -> c.origin().equals(mesh.peer("a").id))
            .mapToLong(MessageStore.Charge::bytes)
            .sum();
    assertThat(charged)
        .as("bytes of a's one line charged at b (its cost is %d)", AuthorQuota.cost(x))
        .isEqualTo(AuthorQuota.cost(x));
  }
}
