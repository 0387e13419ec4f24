package meshchat.peer.room;

import static meshchat.peer.room.Mesh.chat;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import meshchat.peer.limit.Counters.Counter;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage.Digest;
import meshchat.peer.message.LinkMessage.DigestEntry;
import meshchat.peer.message.LinkMessage.SyncBatch;
import meshchat.peer.message.PeerId;
import meshchat.peer.sync.SeqSet;
import org.junit.jupiter.api.Test;

/**
 * fix34 follow-up. A newcomer's link brings the authors its digest named in its first minute free
 * ({@link NewAuthors}); the name was dropped as soon as the author was admitted, before the unit of
 * work that stores its line committed. A unit that rolled back (a full disk) gave back a charged
 * new author ({@code NewAuthorRolledBackTest}) but not the name: the refetch, no longer free, was
 * charged to the link's source, and with a budget spent (here 0) refused and held for an hour.
 */
class NewAuthorFreeNameRolledBackTest {
  @Test
  void aFreeAuthorWhoseLineMetAFullDiskIsStillFreeWhenItComesAgain() {
    RoomConfig config = RoomConfig.defaults().with(d -> d.newAuthorsPerSource = 0);
    Mesh mesh = new Mesh(config, "a", "b");
    Mesh.Peer b = mesh.peer("b");
    RollingBackStore store = new RollingBackStore();
    b.roomOn(store, 1, config);
    mesh.fullMesh(); // b stores nobody's messages: a newcomer, a's link names the room for free
    mesh.run(1_000);
    store.endBurst(b.room);

    PeerId carolId = PeerId.fromHex("ca401e");
    SeqSet one = new SeqSet();
    one.addRange(1, 1);
    mesh.inject("a", "b", new Digest(List.of(new DigestEntry(carolId, one)), true));
    mesh.pump();
    ChatMessage carol = chat(carolId, 1, 5);
    store.full(true);
    mesh.inject("a", "b", new SyncBatch(1, List.of(carol), true, List.of()));
    mesh.pump();
    store.endBurst(b.room);
    assertThat(b.room.counters().get(Counter.STORE_FAILED))
        .as("carol's line met the full disk")
        .isPositive();
    store.full(false);
    mesh.inject("a", "b", new SyncBatch(2, List.of(carol), true, List.of()));
    mesh.pump();
    store.endBurst(b.room);

    assertThat(store.committed.get(carol.id()))
        .as(
            "carol's line, named free by a's link (new_author refusals %d)",
            b.room.counters().get(Counter.NEW_AUTHOR))
        .contains(carol);
  }
}
