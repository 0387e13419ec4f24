package meshchat.peer.room;

import static meshchat.peer.room.Mesh.chat;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import java.util.List;
import meshchat.peer.limit.Counters.Counter;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage.SyncBatch;
import meshchat.peer.message.PeerId;
import org.junit.jupiter.api.Test;

/**
 * rev33 FINDING. {@code Room.acceptMessages} charges each message of a sync batch to its author's
 * quota in {@code admissible} before the batch is stored, and {@code isCopy} only finds what the
 * store already holds: a batch that carries one message of an honest author many times charges that
 * author once per copy (the store then keeps one row, the others are DUPLICATE). So any member that
 * relays an honest author's new line in a batch of copies has that author held over its quota at
 * the receiver, and its lines are neither stored, shown nor relayed there for up to a day: a third
 * party silences an honest member.
 */
class DuplicatedBatchChargeTest {
  private static final PeerId ALICE = PeerId.fromHex("a1");

  @Test
  void copiesOfOneLineInABatchChargeItsAuthorOnce() {
    ChatMessage first = chat(ALICE, 1, 5);
    long cost = AuthorQuota.cost(first);
    RoomConfig config = RoomConfig.defaults().with(d -> d.authorQuotaBytes = 100 * cost);
    Mesh mesh = new Mesh(config, "m", "v").fullMesh();
    mesh.run(100);
    Mesh.Peer v = mesh.peer("v");

    // m hands v alice's first line 200 times over in one batch, then her next two lines
    mesh.inject("m", "v", new SyncBatch(1, Collections.nCopies(200, first), true, List.of()));
    mesh.pump();
    ChatMessage second = chat(ALICE, 2, 6, first.id());
    ChatMessage third = chat(ALICE, 3, 7, second.id());
    mesh.inject("m", "v", new SyncBatch(2, List.of(second, third), true, List.of()));
    mesh.pump();

    assertThat(v.room.counters().get(Counter.AUTHOR_QUOTA))
        .as("lines refused by the quota")
        .isZero();
    assertThat(v.room.overQuota()).as("alice wrote 3 lines of a 100-line quota").isEmpty();
    assertThat(v.shownIds()).contains(first.id(), second.id(), third.id());
  }
}
