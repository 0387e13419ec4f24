package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import meshchat.peer.message.PeerId;
import meshchat.peer.sync.AuthorBytes;
import meshchat.peer.sync.AuthorIndex;
import meshchat.peer.sync.SeqSet;
import meshchat.peer.sync.SeqSetSlots;
import meshchat.peer.sync.SmallInts;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * The room's per-author bytes shared by its holdings' set codes, its causal buffer's prefix and its
 * tree's parents and pruned masks, one lane each: whatever one part writes, grows or widens, every
 * part answers as the same part with bytes of its own does.
 */
class SharedAuthorBytesTest {
  private static PeerId author(int i) {
    return PeerId.of(new byte[] {5, (byte) (i >> 8), (byte) i});
  }

  private static SeqSet upTo(long n) {
    SeqSet s = null;
    for (long k = 1; k <= n; k++) {
      s = SeqSet.plus(s, k);
    }
    return s;
  }

  @Property(tries = 200)
  void eachLaneAnswersAsItsOwnBytesDo(@ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int authors = 1 + r.nextInt(r.nextBoolean() ? 10 : 3_000);
    AuthorIndex<PeerId> index = new AuthorIndex<>();
    for (int i = 0; i < authors; i++) {
      index.add(author(i));
    }
    AuthorBytes bytes = new AuthorBytes(4);
    SeqSetSlots sets = new SeqSetSlots(bytes, Holdings.HELD_LANE);
    SmallInts prefix = new SmallInts(bytes, Holdings.PREFIX_LANE);
    PrunedLinks pruned = new PrunedLinks(index, bytes, Holdings.PARENT_LANE, Holdings.PRUNED_LANE);
    SeqSetSlots ownSets = new SeqSetSlots();
    SmallInts ownPrefix = new SmallInts();
    PrunedLinks ownPruned = new PrunedLinks(index);
    SeqSet[] someSets = {
      null, upTo(1), upTo(2), upTo(254), upTo(255), upTo(300), gapped(), upTo(100)
    };
    int[] someInts = {0, 1, 126, 127, 128, -1, Integer.MIN_VALUE, Integer.MIN_VALUE | 126, 99};
    int slots = r.nextInt(3) == 0 ? 8 : r.nextBoolean() ? 32 : 64;
    for (int step = 0; step < 1_500; step++) {
      int a = r.nextInt(authors);
      int slot = r.nextInt(slots);
      switch (r.nextInt(7)) {
        case 0 -> {
          SeqSet s = someSets[r.nextInt(someSets.length)];
          sets.set(a, s);
          ownSets.set(a, s);
        }
        case 1 -> {
          int v = someInts[r.nextInt(someInts.length)];
          prefix.set(a, v);
          ownPrefix.set(a, v);
        }
        case 2 -> {
          pruned.prune(author(a), slot);
          ownPruned.prune(author(a), slot);
        }
        case 3 -> {
          pruned.graft(author(a), slot);
          ownPruned.graft(author(a), slot);
        }
        case 4 -> {
          pruned.firstCopy(author(a), slot);
          ownPruned.firstCopy(author(a), slot);
        }
        case 5 -> {
          if (r.nextInt(20) == 0) {
            assertThat(pruned.orphaned(slot)).isEqualTo(ownPruned.orphaned(slot));
            pruned.graftAll(slot);
            ownPruned.graftAll(slot);
          }
        }
        default -> {}
      }
      int b = r.nextInt(authors + 10);
      assertThat(sets.get(b)).isEqualTo(ownSets.get(b));
      assertThat(prefix.get(b)).isEqualTo(ownPrefix.get(b));
      if (b < authors) {
        assertThat(pruned.pruned(author(b), slot)).isEqualTo(ownPruned.pruned(author(b), slot));
        assertThat(pruned.hasParent(author(b))).isEqualTo(ownPruned.hasParent(author(b)));
      }
    }
    for (int a = 0; a < authors + 10; a++) {
      assertThat(sets.get(a)).isEqualTo(ownSets.get(a));
      assertThat(prefix.get(a)).isEqualTo(ownPrefix.get(a));
      if (a < authors) {
        assertThat(pruned.hasParent(author(a))).isEqualTo(ownPruned.hasParent(author(a)));
        for (int slot = 0; slot < slots; slot++) {
          assertThat(pruned.pruned(author(a), slot)).isEqualTo(ownPruned.pruned(author(a), slot));
        }
      }
    }
  }

  private static SeqSet gapped() {
    SeqSet s = new SeqSet();
    s.add(1);
    s.add(3);
    return s;
  }

  @Test
  void lanesAndIndexesOutOfRangeAreRefused() {
    assertThatThrownBy(() -> new AuthorBytes(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new AuthorBytes(9)).isInstanceOf(IllegalArgumentException.class);
    AuthorBytes bytes = new AuthorBytes(4);
    assertThat(bytes.get(1_000_000, 3)).isZero(); // no room: reads 0, grows nothing
    assertThat(bytes.size()).isZero();
    assertThatThrownBy(() -> bytes.set(0, 4, 1)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> bytes.set(-1, 0, 1)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> new SmallInts(bytes, 4)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SeqSetSlots(bytes, -1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PrunedLinks(new AuthorIndex<>(), bytes, 2, 2))
        .isInstanceOf(IllegalArgumentException.class);
    bytes.set(9, 3, 0x1FF); // the low byte
    assertThat(bytes.get(9, 3)).isEqualTo(0xFF);
    assertThat(bytes.get(9, 2)).isZero();
    assertThat(bytes.get(8, 3)).isZero();
    assertThat(bytes.size()).isGreaterThanOrEqualTo(10);
  }
}
