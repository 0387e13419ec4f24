package meshchat.peer.room;

import static meshchat.peer.room.Mesh.chat;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage.SyncBatch;
import meshchat.peer.message.PeerId;
import org.junit.jupiter.api.Test;

/**
 * rev34 FINDING. docs/storage.md, "Held back": the room marks {@code hidden} "a line shown
 * incomplete whose last dependency came stamped at or above it, when that dependency comes", and
 * the offline {@code meshchat history} relies on that mark alone ("it does not judge times"). The
 * mark is made only for ids {@code CausalBuffer} still tracks as incomplete, an in-memory set a
 * restart empties: after a restart (or a kill -9) the question's arrival marks nothing, the store's
 * history reads (the offline command's {@code page}) list the reply, and above the question it
 * claims to answer, while the chat's /history leaves it out.
 */
class IncompleteThenBackdatedAfterRestartTest {
  private static final PeerId R = PeerId.fromHex("01"); // sorts below Q at one Lamport time
  private static final PeerId Q = PeerId.fromHex("ff");

  @Test
  void aLineShownIncompleteBeforeARestartIsMarkedHiddenWhenItsQuestionComesStampedAtItsTime() {
    Mesh m = new Mesh(RoomCausalTest.CONFIG, "a", "m").fullMesh();
    Mesh.Peer p = m.peer("a");
    m.run(10);
    ChatMessage q = chat(Q, 1, 40);
    ChatMessage r = chat(R, 1, 40, q.id());
    m.inject("m", "a", new SyncBatch(1, List.of(r), true, List.of()));
    m.pump();
    m.run(RoomCausalTest.CONFIG.holdBackTimeoutMs());
    assertThat(p.deliveries).singleElement().matches(Delivery::incomplete);

    p.restart(); // the same store, a new room (a crash or a quit and start)
    m.link("a", "m").run(1_000);
    m.inject("m", "a", new SyncBatch(2, List.of(q), true, List.of()));
    m.pump();
    assertThat(p.room.history(10)).as("the chat's /history").containsExactly(q);
    assertThat(p.store.history(10))
        .as("the store's history read (the offline history command's), reply marked hidden")
        .containsExactly(q);
  }
}
