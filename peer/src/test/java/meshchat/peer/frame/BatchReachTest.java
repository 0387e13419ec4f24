package meshchat.peer.frame;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import meshchat.peer.message.ChainHead;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import org.junit.jupiter.api.Test;

class BatchReachTest {
  private static final PeerId ANN = PeerId.of(new byte[] {1, 2, 3});
  private static final PeerId BOB = PeerId.of(new byte[] {4, 5, 6});

  @Test
  void aRunIsReachedUpToItsHighestHeadAndNotAbove() {
    List<ChatMessage> batch = List.of(msg(ANN, 1), msg(ANN, 2), msg(ANN, 3), msg(ANN, 4));
    assertThat(BatchReach.reached(batch, List.of(head(ANN, 2))))
        .containsExactly(batch.get(0), batch.get(1));
  }

  @Test
  void aGapStopsAHeadFromReachingBelowIt() {
    List<ChatMessage> batch = List.of(msg(ANN, 1), msg(ANN, 3), msg(ANN, 4));
    assertThat(BatchReach.reached(batch, List.of(head(ANN, 4))))
        .containsExactly(batch.get(1), batch.get(2));
  }

  @Test
  void aHeadOfAnotherOriginOrOfASeqNotInTheBatchReachesNothing() {
    List<ChatMessage> batch = List.of(msg(ANN, 1), msg(ANN, 2));
    assertThat(BatchReach.reached(batch, List.of(head(BOB, 2), head(ANN, 3)))).isEmpty();
  }

  @Test
  void aWhollyReachedBatchIsReturnedAsItIs() {
    List<ChatMessage> batch = List.of(msg(ANN, 1), msg(BOB, 7), msg(ANN, 2), msg(BOB, 8));
    assertThat(BatchReach.reached(batch, List.of(head(ANN, 2), head(BOB, 8)))).isSameAs(batch);
  }

  @Test
  void unchainedMessagesAreLeftOutEvenBesideAChainedCopyOfTheirId() {
    ChatMessage unchained = new ChatMessage(new MessageId(ANN, 1), 1, 0, "n", "t", List.of());
    List<ChatMessage> batch = List.of(unchained, msg(ANN, 1), msg(ANN, 2));
    assertThat(BatchReach.reached(batch, List.of(head(ANN, 2))))
        .containsExactly(batch.get(1), batch.get(2));
  }

  /** Against the definition, over random batches: duplicates, gaps, any order, stray heads. */
  @Test
  void keepsExactlyWhatTheDefinitionKeepsOverRandomBatches() {
    SplittableRandom random = new SplittableRandom(14);
    PeerId[] origins = {ANN, BOB, PeerId.of(new byte[] {7})};
    for (int round = 0; round < 2_000; round++) {
      List<ChatMessage> batch = new ArrayList<>();
      int size = random.nextInt(40);
      for (int k = 0; k < size; k++) {
        batch.add(msg(origins[random.nextInt(origins.length)], 1 + random.nextInt(20)));
      }
      List<ChainHead> heads = new ArrayList<>();
      int headCount = random.nextInt(6);
      for (int k = 0; k < headCount; k++) {
        heads.add(head(origins[random.nextInt(origins.length)], 1 + random.nextInt(22)));
      }
      assertThat(BatchReach.reached(batch, heads))
          .as("round %d: %s with heads %s", round, batch, heads)
          .containsExactlyElementsOf(definition(batch, heads));
    }
  }

  private static List<ChatMessage> definition(List<ChatMessage> batch, List<ChainHead> heads) {
    List<ChatMessage> out = new ArrayList<>();
    for (ChatMessage m : batch) {
      boolean reached = false;
      for (ChainHead h : heads) {
        boolean unbroken = h.origin().equals(m.origin()) && h.seq() >= m.seq();
        for (long s = m.seq(); unbroken && s <= h.seq(); s++) {
          long seq = s;
          unbroken = batch.stream().anyMatch(x -> x.origin().equals(m.origin()) && x.seq() == seq);
        }
        reached |= unbroken;
      }
      if (reached) {
        out.add(m);
      }
    }
    return out;
  }

  private static ChatMessage msg(PeerId origin, long seq) {
    return new ChatMessage(new MessageId(origin, seq), seq, 0, "n", "t" + seq, List.of())
        .chained(new byte[ChatMessage.HASH_BYTES]);
  }

  private static ChainHead head(PeerId origin, long seq) {
    return new ChainHead(
        origin,
        seq,
        new byte[ChatMessage.HASH_BYTES],
        new byte[64],
        new byte[ChatMessage.HASH_BYTES]);
  }
}
