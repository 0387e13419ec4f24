package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.MessageId;
import meshchat.peer.room.Mesh.Peer;
import org.junit.jupiter.api.Test;

/**
 * The author quota inside rooms on virtual time (docs/security.md, "Author quota"): an author past
 * it is held at the first line over it by every peer, honest lines still go round, the user is told
 * once, nothing past the hold is asked for while it holds, and once the day has rolled the held
 * lines are fetched again and shown.
 */
class RoomAuthorQuotaTest {
  private static final String TEXT = "x".repeat(1_000);
  private static final long COST = AuthorQuota.ROW_BYTES + "alice".length() + TEXT.length();
  private static final RoomConfig CONFIG =
      RoomConfig.defaults()
          .with(
              c -> {
                c.syncIntervalMs = 60_000; // a day of rounds stays quick in virtual time
                c.authorQuotaBytes = 10 * COST;
              });

  private static List<Long> seqsOf(Peer p, Peer author) {
    return p.store.history(10_000).stream()
        .filter(m -> m.origin().equals(author.id))
        .map(ChatMessage::seq)
        .sorted()
        .toList();
  }

  @Test
  void aHeldAuthorIsHeldByEveryPeerAndFetchedAgainOnceTheDayHasRolled() {
    Mesh mesh = new Mesh(CONFIG, true, "alice", "bob", "carol").fullMesh();
    Peer alice = mesh.peer("alice");
    Peer bob = mesh.peer("bob");
    Peer carol = mesh.peer("carol");
    for (int i = 0; i < 12; i++) {
      alice.send(TEXT);
    }
    mesh.run(10_000);
    for (Peer p : List.of(bob, carol)) {
      assertThat(p.room.overQuota()).as(p.name).isEqualTo(Map.of(alice.id, 11L));
      assertThat(seqsOf(p, alice))
          .as(p.name)
          .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
      assertThat(p.notices).filteredOn(n -> n instanceof RoomNotice.OverQuota).hasSize(1);
      assertThat(p.deliveries)
          .extracting(d -> d.message().id())
          .doesNotContain(new MessageId(alice.id, 11), new MessageId(alice.id, 12));
    }
    assertThat(seqsOf(alice, alice)).as("its own are its own").hasSize(12);

    // an honest reply still goes round
    ChatMessage reply = carol.send("enough");
    mesh.run(10_000);
    assertThat(bob.deliveries).extracting(d -> d.message().id()).contains(reply.id());
    assertThat(alice.deliveries).extracting(d -> d.message().id()).contains(reply.id());

    // hours of digest rounds ask nothing past the hold
    int sentBefore = mesh.sent.size();
    mesh.run(6 * 3_600_000L);
    assertThat(seqsOf(bob, alice)).hasSize(10);
    assertThat(mesh.sent.subList(sentBefore, mesh.sent.size()))
        .as("no request for alice's held seqs")
        .noneMatch(
            e ->
                e.message() instanceof meshchat.peer.message.LinkMessage.SyncRequest r
                    && r.wants().stream()
                        .anyMatch(w -> w.origin().equals(alice.id) && w.range().last() >= 11));

    // the day rolls: the hold ends, and lines 11 and 12 are asked for, stored and shown
    mesh.run(19 * 3_600_000L);
    for (Peer p : List.of(bob, carol)) {
      assertThat(p.room.overQuota()).as(p.name).isEmpty();
      assertThat(seqsOf(p, alice)).as(p.name).hasSize(12);
      assertThat(p.deliveries)
          .extracting(d -> d.message().id())
          .contains(new MessageId(alice.id, 11), new MessageId(alice.id, 12));
    }
  }
}
