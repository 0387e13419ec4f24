package meshchat.peer.store.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import meshchat.peer.limit.WireBounds;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.peer.store.MessageStore;
import meshchat.peer.sync.AuthorIndex;
import meshchat.peer.sync.SeqRange;
import org.junit.jupiter.api.Test;

/**
 * The in-memory store's author index, shared with a room: offered only while it numbers nobody, and
 * every read right when the room numbers authors the store holds nothing of, far past its logs.
 */
class SharedAuthorIndexTest {
  private static PeerId author(int i) {
    return PeerId.of(new byte[] {9, (byte) (i >> 8), (byte) i});
  }

  private static ChatMessage message(PeerId origin, long seq, long lamport) {
    return new ChatMessage(new MessageId(origin, seq), lamport, 0, "n", "t", List.of());
  }

  @Test
  void offeredOnlyWhileEmptyAndReadRightWhatTheRoomNumbersFirst() {
    InMemoryMessageStore store = new InMemoryMessageStore();
    AuthorIndex<PeerId> shared = store.authorsToShare();
    assertThat(shared).isNotNull();
    // the room numbers 1,000 authors the store never heard of, then the store gets the last one's
    // message and one of its own, far past where its logs end
    for (int i = 0; i < 1_000; i++) {
      shared.add(author(i));
    }
    assertThat(store.get(new MessageId(author(999), 1))).isEmpty();
    assertThat(store.range(author(500), new SeqRange(1, WireBounds.MAX_SEQ), 10)).isEmpty();
    assertThat(store.load(author(0)).holdings()).isEmpty();
    assertThat(store.append(message(author(999), 1, 5))).isEqualTo(MessageStore.AppendResult.NEW);
    assertThat(store.append(message(author(999), WireBounds.MAX_SEQ, 6)))
        .isEqualTo(MessageStore.AppendResult.NEW);
    assertThat(store.append(message(author(1_000), 2, 7))).isEqualTo(MessageStore.AppendResult.NEW);
    assertThat(store.append(message(author(999), 1, 5)))
        .isEqualTo(MessageStore.AppendResult.DUPLICATE);
    assertThat(shared.indexOf(author(1_000))).isEqualTo(1_000);
    assertThat(store.get(new MessageId(author(999), WireBounds.MAX_SEQ))).isPresent();
    assertThat(store.get(new MessageId(author(1_000), 2))).isPresent();
    assertThat(store.get(new MessageId(author(998), 1))).isEmpty();
    MessageStore.Snapshot snap = store.load(author(999));
    assertThat(snap.holdings()).containsOnlyKeys(author(999), author(1_000));
    assertThat(snap.holdings().get(author(999)).count()).isEqualTo(2);
    assertThat(snap.ownSeq()).isEqualTo(WireBounds.MAX_SEQ);
    assertThat(store.count()).isEqualTo(3);
    // a store that numbers authors already (kept across a restart) is not shared again
    assertThat(store.authorsToShare()).isNull();
    assertThat(new PackedMessageStore().authorsToShare()).isNull();
  }
}
