package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import meshchat.fixture.room.SendsOnly;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.LinkMessage.SyncBatch;
import meshchat.peer.message.MessageId;
import meshchat.peer.store.memory.InMemoryMessageStore;
import meshchat.peer.sync.SeqRange;
import org.junit.jupiter.api.Test;

/**
 * A sync answer's frames are budgeted by the bounds its reader counted ({@link
 * ChainedChunk#bounds}), not counted again: each bound is a text's and a nick's UTF-8 length, a
 * scan and a copy of each under C1, and an answer counted every message three times
 * (docs/benchmarks.md, session 31).
 */
class AnswerBoundsTest {
  private static final RoomConfig CONFIG = RoomConfig.defaults();

  private static InMemoryMessageStore authored(Mesh.Peer a, int n) {
    InMemoryMessageStore store = new InMemoryMessageStore();
    for (int i = 1; i <= n; i++) {
      ChatMessage m = a.send("line " + i + " ünïcødé ✓");
      store.appendOwn(m, m.lamport());
    }
    ChatMessage top = store.get(new MessageId(a.id, n)).orElseThrow();
    store.putHead(new TestChainSigner().signHead(a.id, n, TestChainSigner.chainHash(top)));
    return store;
  }

  @Test
  void theBoundsAreEachMessagesFrameBytesBound() {
    Mesh mesh = new Mesh(CONFIG, true, "a", "b").link("a", "b").pump();
    Mesh.Peer a = mesh.peer("a");
    List<ChatMessage> answer = authored(a, 20).range(a.id, new SeqRange(1, 20), 20);
    assertThat(ChainedChunk.bounds(answer))
        .containsExactly(answer.stream().mapToLong(ChatMessage::frameBytesBound).toArray());
    assertThat(ChainedChunk.bounds(List.of())).isEmpty();
  }

  @Test
  void anAnswerOfOneFrameIsBudgetedByTheBoundsItIsGiven() {
    Mesh mesh = new Mesh(CONFIG, true, "a", "b").link("a", "b").pump();
    Mesh.Peer a = mesh.peer("a");
    Mesh.Peer b = mesh.peer("b");
    InMemoryMessageStore store = authored(a, 20);
    List<ChatMessage> answer = store.range(a.id, new SeqRange(1, 20), 20);

    List<LinkMessage> sent = new ArrayList<>();
    int carried =
        ChainedChunk.answer(
            store,
            new SendsOnly(sent),
            b.id,
            1,
            answer,
            ChainedChunk.bounds(answer),
            Long.MAX_VALUE,
            4);
    assertThat(carried).isEqualTo(20);
    assertThat(sent).hasSize(1);
    assertThat(((SyncBatch) sent.get(0)).messages()).isEqualTo(answer);

    // bounds that say the run is twice what a frame may hold: it cannot go, whatever the
    // messages' own bounds are (counted again, they would fit)
    long[] tooBig = new long[answer.size()];
    Arrays.fill(tooBig, ChainedChunk.MAX_RUN_BYTES / 10);
    sent.clear();
    carried =
        ChainedChunk.answer(store, new SendsOnly(sent), b.id, 2, answer, tooBig, Long.MAX_VALUE, 4);
    assertThat(carried).isZero();
    assertThat(sent).hasSize(1);
    assertThat(((SyncBatch) sent.get(0)).messages()).isEmpty();
    assertThat(((SyncBatch) sent.get(0)).done()).isTrue();
  }

  @Test
  void boundsThatDoNotMatchTheAnswerAreRefused() {
    Mesh mesh = new Mesh(CONFIG, true, "a", "b").link("a", "b").pump();
    Mesh.Peer a = mesh.peer("a");
    InMemoryMessageStore store = authored(a, 3);
    List<ChatMessage> answer = store.range(a.id, new SeqRange(1, 3), 3);
    List<LinkMessage> sent = new ArrayList<>();
    assertThatThrownBy(
            () ->
                ChainedChunk.answer(
                    store, new SendsOnly(sent), a.id, 1, answer, new long[2], Long.MAX_VALUE, 4))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(sent).isEmpty();
  }
}
