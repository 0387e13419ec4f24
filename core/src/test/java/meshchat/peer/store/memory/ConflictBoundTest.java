package meshchat.peer.store.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.peer.store.MessageStore;
import meshchat.peer.store.MessageStore.AppendResult;
import org.junit.jupiter.api.Test;

/** Second versions of one id are reported every time, and kept at most 16 per origin (rev28). */
class ConflictBoundTest {
  @Test
  void anAuthorsVersionsWithoutEndAreKeptAtMostTheBound() {
    for (MessageStore store : List.of(new InMemoryMessageStore(), new PackedMessageStore())) {
      PeerId author = PeerId.fromHex("a1");
      PeerId other = PeerId.fromHex("b2");
      store.append(new ChatMessage(new MessageId(author, 1), 1, 0, "m", "first", List.of()));
      store.append(new ChatMessage(new MessageId(other, 1), 1, 0, "o", "first", List.of()));
      for (int v = 0; v < 100; v++) {
        ChatMessage version =
            new ChatMessage(new MessageId(author, 1), 1, 0, "m", "version " + v, List.of());
        assertThat(store.append(version)).isEqualTo(AppendResult.CONFLICT);
      }
      assertThat(store.conflictCount()).isEqualTo(MessageStore.MAX_CONFLICTS_PER_ORIGIN);
      // another author's own bound is whole
      store.append(new ChatMessage(new MessageId(other, 1), 1, 0, "o", "second", List.of()));
      assertThat(store.conflictCount()).isEqualTo(MessageStore.MAX_CONFLICTS_PER_ORIGIN + 1);
    }
  }
}
