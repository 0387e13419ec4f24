package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import meshchat.peer.message.PeerId;
import org.junit.jupiter.api.Test;

/** The per-author table of pruned links and parent links, across the growth of its arrays. */
class PrunedLinksTest {
  private static PeerId author(int i) {
    return PeerId.of(new byte[] {(byte) (i >> 8), (byte) i});
  }

  @Test
  void everyAuthorKeepsItsPrunesAndItsParentWhileTheTableGrows() {
    PrunedLinks t = new PrunedLinks();
    List<PeerId> parentedBy3 = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      t.firstCopy(author(i), i % 7); // each of these may grow the table
      t.prune(author(i), 60);
      if (i % 7 == 3) {
        parentedBy3.add(author(i));
      }
    }
    for (int i = 0; i < 1_000; i++) {
      assertThat(t.pruned(author(i), 60)).as("author %d", i).isTrue();
      assertThat(t.pruned(author(i), 61)).isFalse();
    }
    assertThat(t.orphaned(3)).containsExactlyInAnyOrderElementsOf(parentedBy3);
    assertThat(t.orphaned(3)).as("told once").isEmpty();
  }

  @Test
  void aGraftAllClearsOneSlotForEveryAuthor() {
    PrunedLinks t = new PrunedLinks();
    t.prune(author(1), 4);
    t.prune(author(1), 5);
    t.prune(author(2), 4);
    t.graftAll(4);
    assertThat(t.pruned(author(1), 4)).isFalse();
    assertThat(t.pruned(author(2), 4)).isFalse();
    assertThat(t.pruned(author(1), 5)).isTrue();
  }
}
