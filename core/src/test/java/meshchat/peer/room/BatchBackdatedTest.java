package meshchat.peer.room;

import static meshchat.peer.room.Mesh.chat;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import meshchat.peer.limit.Counters.Counter;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.Equivocation;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.LinkMessage.SyncBatch;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import org.junit.jupiter.api.Test;

/**
 * docs/ordering.md, "Bounded clocks": a reply must be above what it answers, and an author's line
 * above its previous one, however it comes. A sync batch is checked before any of it is delivered,
 * so a dependency that comes earlier in the same batch was not delivered at the check: the message
 * is checked again against it before it is shown, as a release is (rev26 found a reply at exactly
 * its question's time shown from a batch, and refused live).
 */
class BatchBackdatedTest {
  private final Mesh mesh = new Mesh(RoomConfig.defaults(), "a", "b", "m").fullMesh();
  private final Mesh.Peer a = mesh.peer("a");

  private static final PeerId Q = PeerId.fromHex("01");
  private static final PeerId R = PeerId.fromHex("ff");

  @Test
  void aReplyAtItsQuestionsTimeInTheSameBatchIsStoredNotShown() {
    ChatMessage q = chat(Q, 1, 50);
    ChatMessage q2 = chat(Q, 2, 50, q.id()); // the author's next line at the same time
    ChatMessage r = chat(R, 1, 50, q.id()); // a reply at its question's time
    ChatMessage ok = chat(R, 2, 51, r.id(), q2.id()); // above both: shown
    mesh.inject("m", "a", new SyncBatch(1, List.of(q, q2, r, ok), true, List.of()));
    mesh.pump();
    assertThat(a.shownIds()).contains(q.id()).doesNotContain(q2.id(), r.id());
    assertThat(a.room.counters().get(Counter.BACKDATED)).isEqualTo(2);
    assertThat(a.shownIds()).as("what answers them is not held for them").contains(ok.id());
  }

  @Test
  void atTheExtremesOfTimeAPeerCanSendAReplyAtItsQuestionsTimeIsNotShown() {
    // 1 (the least time: 0 and below are refused at decode) and 2^32 - 1 (as far as one peer may
    // move another's clock at once; 2^63 - 1 is past the wire's 2^62, refused at decode too)
    for (long t : new long[] {1, 2, (1L << 32) - 1}) {
      Mesh m = new Mesh(RoomConfig.defaults(), "a", "b", "m").fullMesh();
      ChatMessage q = chat(Q, 1, t);
      ChatMessage r = chat(R, 1, t, q.id());
      m.inject("m", "a", new SyncBatch(1, List.of(q, r), true, List.of()));
      m.pump();
      Mesh.Peer at = m.peer("a");
      assertThat(at.shownIds()).as("at %d", t).contains(q.id()).doesNotContain(r.id());
      assertThat(at.room.counters().get(Counter.BACKDATED)).as("at %d", t).isEqualTo(1);
    }
  }

  @Test
  void theSameMessagesLiveAreRefusedAlike() {
    ChatMessage q = chat(Q, 1, 50);
    ChatMessage r = chat(R, 1, 50, q.id());
    mesh.inject("m", "a", new LinkMessage.Chat(q));
    mesh.inject("m", "a", new LinkMessage.Chat(r));
    mesh.pump();
    assertThat(a.shownIds()).contains(q.id()).doesNotContain(r.id());
    assertThat(a.room.counters().get(Counter.BACKDATED)).isEqualTo(1);
  }

  @Test
  void aReplyAboveItsQuestionInTheSameBatchIsShown() {
    ChatMessage q = chat(Q, 1, 50);
    ChatMessage q2 = chat(Q, 2, 51, q.id());
    ChatMessage r = chat(R, 1, 51, q.id());
    mesh.inject("m", "a", new SyncBatch(1, List.of(q, q2, r), true, List.of()));
    mesh.pump();
    assertThat(a.shownIds()).containsExactlyInAnyOrder(q.id(), q2.id(), r.id());
    assertThat(a.room.counters().get(Counter.BACKDATED)).isZero();
  }

  /**
   * A reply that also names a disputed message (its author equivocated from that seq, and nobody
   * passes it on) is shown without waiting for it, marked incomplete: that path too checks it again
   * against a question delivered earlier in its batch.
   */
  @Test
  void aReplyAtItsQuestionsTimeNamingADisputedMessageTooIsStoredNotShown() {
    ChatMessage r = batchOfQuestionAndReplyNamingADisputedMessage(50);
    assertThat(a.shownIds()).contains(QUESTION).doesNotContain(r.id());
    assertThat(a.room.counters().get(Counter.BACKDATED)).isEqualTo(1);
  }

  @Test
  void aReplyAboveItsQuestionNamingADisputedMessageTooIsShown() {
    ChatMessage r = batchOfQuestionAndReplyNamingADisputedMessage(51);
    assertThat(a.shownIds()).contains(QUESTION, r.id());
    assertThat(a.room.counters().get(Counter.BACKDATED)).isZero();
  }

  private static final MessageId QUESTION = new MessageId(Q, 1);

  /**
   * A batch of a question at 50 and a reply at {@code replyTime} that also names a disputed message
   * (seq 1 of an author proven to equivocate from there), delivered to a; the reply.
   */
  private ChatMessage batchOfQuestionAndReplyNamingADisputedMessage(long replyTime) {
    PeerId e = PeerId.fromHex("ee");
    proveEquivocationAtFirstSeq(e);
    ChatMessage q = chat(Q, 1, 50);
    ChatMessage r = chat(R, 1, replyTime, q.id(), new MessageId(e, 1));
    mesh.inject("m", "a", new SyncBatch(1, List.of(q, r), true, List.of()));
    mesh.pump();
    return r;
  }

  /** Two heads of {@code origin} at seq 1 naming two hashes: seq 1 on is disputed. */
  private void proveEquivocationAtFirstSeq(PeerId origin) {
    TestChainSigner signer = new TestChainSigner();
    byte[] one = new byte[ChatMessage.HASH_BYTES];
    byte[] two = new byte[ChatMessage.HASH_BYTES];
    one[0] = 1;
    two[0] = 2;
    mesh.inject(
        "m",
        "a",
        new LinkMessage.Equivocated(
            new Equivocation(
                signer.signHead(origin, 1, one),
                List.of(),
                signer.signHead(origin, 1, two),
                List.of())));
    mesh.pump();
    assertThat(a.room.equivocators()).containsEntry(origin, 1L);
  }
}
