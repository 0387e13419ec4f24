package meshchat.peer.room;

import static meshchat.peer.room.Mesh.chat;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import meshchat.peer.limit.Counters.Counter;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage.SyncBatch;
import meshchat.peer.message.PeerId;
import org.junit.jupiter.api.Test;

/**
 * rev34 FINDING. A write that rolls back (a full disk) gives back its messages' author-quota
 * charges (rev33 FINDING-3, {@code Room.refundUnstored}), but not the new-author charge {@code
 * Room.charged} made for a new origin ({@code NewAuthors.admitted}): each time the same new
 * author's line meets the full disk and is fetched again, its source is charged one more new
 * author. With a budget of two, two failed writes of one honest newcomer's line spend the source's
 * day, and the line, once the disk has room, is refused ({@code new_author}) and its author held.
 */
class NewAuthorRolledBackTest {
  @Test
  void aNewAuthorWhoseLineMetAFullDiskCostsItsSourceOneNewAuthor() {
    RoomConfig config = RoomConfig.defaults().with(d -> d.newAuthorsPerSource = 2);
    Mesh mesh = new Mesh(config, "a", "b");
    Mesh.Peer b = mesh.peer("b");
    RollingBackStore store = new RollingBackStore();
    b.roomOn(store, 1, config);
    mesh.fullMesh();
    mesh.run(1_000);
    store.endBurst(b.room);

    ChatMessage carol = chat(PeerId.fromHex("ca401e"), 1, 5);
    store.full(true);
    for (int i = 1; i <= 2; i++) {
      mesh.inject("a", "b", new SyncBatch(i, List.of(carol), true, List.of()));
      mesh.pump();
      store.endBurst(b.room);
    }
    assertThat(b.room.counters().get(Counter.STORE_FAILED))
        .as("carol's line met the full disk")
        .isPositive();
    store.full(false);
    mesh.inject("a", "b", new SyncBatch(3, List.of(carol), true, List.of()));
    mesh.pump();
    store.endBurst(b.room);

    assertThat(store.committed.get(carol.id()))
        .as(
            "carol's line, one new author of a's two (new_author refusals %d)",
            b.room.counters().get(Counter.NEW_AUTHOR))
        .contains(carol);
  }
}
