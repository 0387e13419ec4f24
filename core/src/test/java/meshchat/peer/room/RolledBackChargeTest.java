package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import meshchat.peer.limit.Counters.Counter;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.MessageId;
import org.junit.jupiter.api.Test;

/**
 * rev33 FINDING. docs/storage.md, "The author quota": "Charges written in a unit of work that rolls
 * back go with it (its messages are fetched, and charged, again)". The store's charge goes with the
 * unit, but the room's own {@link AuthorQuota} took the cost in {@code Room.admissible} before the
 * write, and a rollback ({@code Room.unhold}) gives nothing back: the line refetched once the disk
 * has room is charged a second time. A member whose lines met a full disk is held early: with a
 * quota of exactly four lines, the fourth of four lines is refused and its author held, though the
 * peer stores only four.
 */
class RolledBackChargeTest {
  @Test
  void aLineWhoseWriteRolledBackIsChargedOnceWhenItComesBack() {
    String nick = "a";
    long cost = AuthorQuota.ROW_BYTES + nick.length() + "l1".length();
    RoomConfig config = RoomConfig.defaults().with(d -> d.authorQuotaBytes = 4 * cost);
    Mesh mesh = new Mesh(config, "a", "b");
    Mesh.Peer a = mesh.peer("a");
    Mesh.Peer b = mesh.peer("b");
    RollingBackStore store = new RollingBackStore();
    b.roomOn(store, 1, config);
    mesh.fullMesh();
    mesh.run(1_000);
    store.endBurst(b.room);

    List<MessageId> sent = new ArrayList<>();
    sent.add(a.send("l1").id());
    sent.add(a.send("l2").id());
    mesh.pump();
    store.endBurst(b.room);

    store.failWrite(0); // l3's write finds the disk full: rolled back, not stored
    sent.add(a.send("l3").id());
    mesh.pump();
    assertThat(b.room.counters().get(Counter.STORE_FAILED)).as("l3 met the full disk").isEqualTo(1);

    mesh.run(30_000); // asked again; the store takes rows again
    store.endBurst(b.room);
    sent.add(a.send("l4").id());
    mesh.pump();
    store.endBurst(b.room);
    mesh.run(10_000);
    store.endBurst(b.room);

    List<MessageId> stored =
        sent.stream().filter(id -> store.committed.get(id).isPresent()).toList();
    assertThat(stored).as("the four lines, within a quota of four").isEqualTo(sent);
    assertThat(b.room.overQuota()).as("nobody held").isEmpty();
  }

  static long costOf(ChatMessage m) {
    return AuthorQuota.cost(m);
  }
}
