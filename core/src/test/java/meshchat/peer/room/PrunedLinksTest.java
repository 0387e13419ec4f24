package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import meshchat.peer.message.PeerId;
import meshchat.peer.sync.AuthorIndex;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** The per-author table of pruned links and parent links, across the growth of its arrays. */
class PrunedLinksTest {
  private static PeerId author(int i) {
    return PeerId.of(new byte[] {(byte) (i >> 8), (byte) i});
  }

  /** A table over an index that numbers authors 0..n-1 backwards (the last one first). */
  private static PrunedLinks numbered(int n) {
    AuthorIndex<PeerId> index = new AuthorIndex<>();
    for (int i = n - 1; i >= 0; i--) {
      index.add(author(i));
    }
    return new PrunedLinks(index);
  }

  /**
   * The room's default tree is the links pruned for at most half the authors numbered; a new
   * author's tree starts as it (every other up link pruned for it), once: a graft or a parent's
   * loss later does not start it again, and the counts follow prunes, grafts, pruneAll and graftAll
   * at the narrow, int and long widths.
   */
  @Test
  void aNewAuthorsTreeStartsAsTheRoomsDefaultTreeOnce() {
    PrunedLinks t = numbered(4);
    long up = 1L | 1L << 1 | 1L << 2 | 1L << 40;
    for (int i = 0; i < 3; i++) {
      t.prune(author(i), 1); // 3 of 4 authors: off the default tree
    }
    t.prune(author(0), 2); // 1 of 4: on it
    t.prune(author(0), 40);
    t.prune(author(1), 40); // 2 of 4: at most half, on it
    assertThat(t.prunedCount(1)).isEqualTo(3);
    assertThat(t.prunedCount(40)).isEqualTo(2);
    long tree = t.defaultTree(up);
    assertThat(tree).isEqualTo(1L | 1L << 2 | 1L << 40);
    assertThat(t.startTree(author(3), up, tree)).isTrue();
    assertThat(t.pruned(author(3), 1)).isTrue();
    assertThat(t.pruned(author(3), 0)).isFalse();
    assertThat(t.pruned(author(3), 2)).isFalse();
    assertThat(t.prunedCount(1)).isEqualTo(4);
    t.graft(author(3), 1);
    t.firstCopy(author(3), 1);
    assertThat(t.orphaned(1)).containsExactly(author(3));
    assertThat(t.hasParent(author(3))).isFalse();
    assertThat(t.startTree(author(3), up, 0)).as("started once").isFalse();
    assertThat(t.pruned(author(3), 1)).as("the graft stands").isFalse();
    assertThat(t.pruned(author(3), 0)).isFalse();
    assertThat(t.prunedCount(1)).isEqualTo(3);
    t.pruneAll(0);
    assertThat(t.prunedCount(0)).isEqualTo(4);
    t.graftAll(0);
    t.graftAll(40);
    assertThat(t.prunedCount(0)).isZero();
    assertThat(t.prunedCount(40)).isZero();
    assertThat(t.pruned(author(1), 40)).isFalse();
    assertThat(t.defaultTree(up)).isEqualTo(up & ~(1L << 1));
  }

  @Test
  void anAuthorTheRoomDoesNotNumberHoldsNothingAndIsNeverPruned() {
    AuthorIndex<PeerId> index = new AuthorIndex<>();
    index.add(author(1));
    PrunedLinks t = new PrunedLinks(index);
    // a stranger's prunes, grafts and first copies for 10,000 authors we hold nothing of
    for (int i = 2; i < 10_002; i++) {
      t.prune(author(i), i % 64);
      t.firstCopy(author(i), 3);
      t.graft(author(i), 5);
      assertThat(t.pruned(author(i), i % 64)).isFalse();
      assertThat(t.hasParent(author(i))).isFalse();
    }
    assertThat(t.orphaned(3)).isEmpty();
    // once the room numbers one (it stored its message), it is pruned as any other
    t.prune(author(1), 63);
    index.add(author(500));
    t.prune(author(500), 2);
    assertThat(t.pruned(author(500), 2)).isTrue();
    assertThat(t.pruned(author(1), 63)).isTrue();
    t.firstCopy(author(500), 3);
    assertThat(t.orphaned(3)).containsExactly(author(500));
  }

  /**
   * A link pruned whole and grafted for one author: every other numbered author is pruned on its
   * slot, at the narrow, int and long widths (slots 0, 7, 8, 31, 32, 63), other slots untouched; an
   * author numbered later starts unpruned there, as on a new link; graftAll undoes it.
   */
  @Test
  void pruneAllPrunesEveryNumberedAuthorOnThatSlotOnly() {
    AuthorIndex<PeerId> index = new AuthorIndex<>();
    for (int i = 0; i < 300; i++) {
      index.add(author(i));
    }
    PrunedLinks t = new PrunedLinks(index);
    t.prune(author(5), 2);
    for (int slot : new int[] {0, 7, 8, 31, 32, 63}) {
      t.pruneAll(slot);
      t.graft(author(9), slot);
      for (int i = 0; i < 300; i++) {
        assertThat(t.pruned(author(i), slot)).as("author %d, slot %d", i, slot).isEqualTo(i != 9);
      }
      assertThat(t.pruned(author(5), 2)).isTrue();
      assertThat(t.pruned(author(6), 2)).isFalse();
    }
    index.add(author(300));
    assertThat(t.pruned(author(300), 63)).isFalse();
    t.graftAll(63);
    assertThat(t.pruned(author(0), 63)).isFalse();
    assertThat(t.pruned(author(0), 0)).isTrue();
    new PrunedLinks(new AuthorIndex<>()).pruneAll(5); // no author numbered: nothing to do
  }

  @Test
  void everyAuthorKeepsItsPrunesAndItsParentWhileTheTableGrows() {
    PrunedLinks t = numbered(1_000);
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
    PrunedLinks t = numbered(3);
    t.prune(author(1), 4);
    t.prune(author(1), 5);
    t.prune(author(2), 4);
    t.graftAll(4);
    assertThat(t.pruned(author(1), 4)).isFalse();
    assertThat(t.pruned(author(2), 4)).isFalse();
    assertThat(t.pruned(author(1), 5)).isTrue();
  }

  @Test
  void aPruneOnASlotPast31KeepsEveryNarrowerBit() {
    PrunedLinks t = numbered(100);
    for (int i = 0; i < 100; i++) {
      t.prune(author(i), i % 32);
    }
    t.prune(author(7), 63); // the masks widen
    for (int i = 0; i < 100; i++) {
      assertThat(t.pruned(author(i), i % 32)).as("author %d", i).isTrue();
      assertThat(t.pruned(author(i), (i + 1) % 32)).isFalse();
    }
    assertThat(t.pruned(author(7), 63)).isTrue();
    t.graftAll(63);
    assertThat(t.pruned(author(7), 63)).isFalse();
    assertThat(t.pruned(author(7), 7)).isTrue();
  }

  /**
   * Whatever the order of prunes, grafts, first copies and links gone, over the three mask widths
   * and the table's growth, the table answers as a plain map of sets does.
   */
  @Property(tries = 300)
  void itAnswersAsAMapOfSets(@ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int authors = 1 + r.nextInt(r.nextBoolean() ? 8 : 200);
    int slots = r.nextInt(3) == 0 ? 8 : r.nextBoolean() ? 32 : 64; // bytes, ints, longs
    PrunedLinks t = numbered(authors);
    Map<PeerId, Long> masks = new HashMap<>();
    Map<PeerId, Integer> parents = new HashMap<>();
    for (int step = 0; step < 2_000; step++) {
      PeerId a = author(r.nextInt(authors));
      int slot = r.nextInt(slots);
      switch (r.nextInt(6)) {
        case 0, 1 -> {
          t.prune(a, slot);
          masks.merge(a, 1L << slot, (x, y) -> x | y);
        }
        case 2 -> {
          t.graft(a, slot);
          masks.computeIfPresent(a, (k, m) -> m & ~(1L << slot));
        }
        case 3 -> {
          t.firstCopy(a, slot);
          parents.put(a, slot);
        }
        case 4 -> {
          if (r.nextInt(10) == 0) {
            List<PeerId> orphans = new ArrayList<>();
            parents.forEach(
                (k, v) -> {
                  if (v == slot) {
                    orphans.add(k);
                  }
                });
            orphans.forEach(parents::remove);
            assertThat(t.orphaned(slot)).containsExactlyInAnyOrderElementsOf(orphans);
            t.graftAll(slot);
            masks.replaceAll((k, m) -> m & ~(1L << slot));
          }
        }
        default -> {
          assertThat(t.pruned(a, slot)).isEqualTo((masks.getOrDefault(a, 0L) & (1L << slot)) != 0);
          assertThat(t.hasParent(a)).isEqualTo(parents.containsKey(a));
        }
      }
    }
    for (int i = 0; i < authors; i++) {
      for (int slot = 0; slot < slots; slot++) {
        assertThat(t.pruned(author(i), slot))
            .isEqualTo((masks.getOrDefault(author(i), 0L) & (1L << slot)) != 0);
      }
    }
  }
}
