package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.MessageId;
import meshchat.peer.room.Mesh.Peer;
import org.junit.jupiter.api.Test;

/** "Seen by k of n": from the digests a peer receives anyway, told when k or n changes. */
class RoomSeenByTest {
  static final RoomConfig CONFIG = RoomConfig.defaults().with(d -> d.syncIntervalMs = 1_000);

  private static RoomNotice.Seen last(Peer p, MessageId id) {
    List<RoomNotice.Seen> about =
        p.notices(RoomNotice.Seen.class).stream().filter(s -> s.id().equals(id)).toList();
    return about.isEmpty() ? null : about.get(about.size() - 1);
  }

  @Test
  void countsTheLinkedPeersWhoseDigestsListTheMessageAndForgetsOnesThatLeave() {
    Mesh mesh = new Mesh(CONFIG, "alice", "bob", "carol").fullMesh().pump();
    Peer alice = mesh.peer("alice");
    ChatMessage m = alice.send("hello");
    mesh.pump();
    // shown and sent, but no digest has come back yet
    assertThat(last(alice, m.id())).isEqualTo(new RoomNotice.Seen(m.id(), 0, 2));

    mesh.run(3_000); // a digest round or two
    assertThat(last(alice, m.id())).isEqualTo(new RoomNotice.Seen(m.id(), 2, 2));
    int told = alice.notices(RoomNotice.Seen.class).size();
    mesh.run(3_000); // nothing changed: nothing told
    assertThat(alice.notices(RoomNotice.Seen.class)).hasSize(told);
    assertThat(alice.room.seenBy()).containsExactly(new RoomNotice.Seen(m.id(), 2, 2));

    mesh.unlink("alice", "carol").pump();
    assertThat(last(alice, m.id())).isEqualTo(new RoomNotice.Seen(m.id(), 1, 1));
    // others' messages are not ours to count
    ChatMessage b = mesh.peer("bob").send("hi");
    mesh.pump().run(3_000);
    assertThat(alice.notices(RoomNotice.Seen.class)).noneMatch(s -> s.id().equals(b.id()));
  }

  @Test
  void onlyTheLatestOwnMessagesAreWatched() {
    Mesh mesh = new Mesh(CONFIG, "alice", "bob").fullMesh().pump();
    Peer alice = mesh.peer("alice");
    for (int i = 0; i < SeenBy.WATCHED + 5; i++) {
      alice.send("m" + i);
    }
    mesh.pump().run(3_000);
    List<RoomNotice.Seen> all = alice.room.seenBy();
    assertThat(all).hasSize(SeenBy.WATCHED).allMatch(s -> s.holders() == 1 && s.linked() == 1);
    assertThat(all.get(0).id().seq()).isEqualTo(6);
    assertThat(all.get(all.size() - 1).id().seq()).isEqualTo(SeenBy.WATCHED + 5);
  }

  /**
   * A burst published by one commit is counted once, at its end, for its latest {@link
   * SeenBy#WATCHED} messages: the older ones would leave the watch within the burst (counted per
   * message, every watched count was asked again for each: docs/benchmarks.md, session 29).
   */
  @Test
  void aBurstIsCountedOnceForItsLatestMessages() {
    Mesh mesh = new Mesh(CONFIG, "alice", "bob").fullMesh().pump();
    Peer alice = mesh.peer("alice");
    int before = alice.notices(RoomNotice.Seen.class).size();
    int burst = SeenBy.WATCHED + 5;
    for (int i = 0; i < burst; i++) {
      alice.room.send("m" + i); // one burst: the runtime commits once at its end
    }
    alice.commitNow();
    List<RoomNotice.Seen> told = alice.notices(RoomNotice.Seen.class);
    List<RoomNotice.Seen> ofBurst = told.subList(before, told.size());
    assertThat(ofBurst).hasSize(SeenBy.WATCHED).allMatch(s -> s.holders() == 0 && s.linked() == 1);
    assertThat(ofBurst.get(0).id().seq()).isEqualTo(burst - SeenBy.WATCHED + 1);
    assertThat(ofBurst.get(ofBurst.size() - 1).id().seq()).isEqualTo(burst);
    assertThat(alice.shown()).hasSize(burst); // every line shown all the same
    mesh.pump().run(3_000);
    assertThat(alice.room.seenBy()).hasSize(SeenBy.WATCHED).allMatch(s -> s.holders() == 1);
  }
}
