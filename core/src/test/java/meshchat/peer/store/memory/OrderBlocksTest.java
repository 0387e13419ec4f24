package meshchat.peer.store.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import meshchat.peer.message.PeerId;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The packed store's canonical order in blocks holds exactly what one flat list would. */
class OrderBlocksTest {

  /**
   * Inserts where the throughput cell makes them (mostly near the end, some at the very end, a few
   * anywhere), thousands of them so that blocks fill, split and are appended: every read agrees
   * with a list.
   */
  @Property(tries = 60)
  void anyInsertsReadBackAsAListHoldsThem(
      @ForAll long seed, @ForAll @IntRange(min = 0, max = 3_000) int inserts) {
    Random random = new Random(seed);
    OrderBlocks blocks = new OrderBlocks();
    List<Long> list = new ArrayList<>();
    int depth = 1 + random.nextInt(2 * OrderBlocks.BLOCK);
    for (int i = 0; i < inserts; i++) {
      int size = list.size();
      int at =
          switch (random.nextInt(4)) {
            case 0 -> size;
            case 1 -> random.nextInt(size + 1);
            default -> Math.max(0, size - random.nextInt(depth + 1));
          };
      long value = random.nextLong();
      blocks.insert(at, value);
      list.add(at, value);
    }
    assertThat(blocks.size()).isEqualTo(list.size());
    for (int i = 0; i < list.size(); i++) {
      assertThat(blocks.get(i)).as("index %d", i).isEqualTo(list.get(i));
    }
  }

  /**
   * Sorted entries (a key, then an origin among a few, named by the entry's tie) put in by their
   * own searches, as the packed store puts messages: every search, for a key present, absent, below
   * all and above all, at or past equal entries, answers what a scan of a sorted list does, and the
   * values, keys and ties read back in order, together.
   */
  @Property(tries = 60)
  void aSearchFindsWhatAScanOfTheSortedListFinds(
      @ForAll long seed, @ForAll @IntRange(min = 0, max = 3_000) int inserts) {
    Random random = new Random(seed);
    PeerId[] origins = new PeerId[1 + random.nextInt(5)];
    for (int i = 0; i < origins.length; i++) {
      origins[i] = PeerId.of(new byte[] {(byte) random.nextInt(256), (byte) i});
    }
    OrderBlocks.Ties ties = (tie, origin) -> origins[tie].compareTo(origin);
    OrderBlocks blocks = new OrderBlocks();
    List<long[]> list = new ArrayList<>(); // {key, origin, value}
    long clock = 0;
    int lag = 1 + random.nextInt(2 * OrderBlocks.BLOCK);
    long lastKey = 0;
    int lastOrigin = 0;
    for (int i = 0; i < inserts; i++) {
      clock += random.nextInt(3);
      long key =
          random.nextInt(8) == 0 ? random.nextInt((int) clock + 1) : clock - random.nextInt(lag);
      int o = random.nextInt(origins.length);
      lastKey = key;
      lastOrigin = o;
      int at = blocks.search(key, origins[o], true, ties);
      assertThat(at).isEqualTo(scan(list, origins, key, origins[o], true));
      long value = random.nextLong();
      blocks.insert(at, value, key, o);
      list.add(at, new long[] {key, o, value});
      // right after the insert, what is before it without a search: what the scan finds before
      // the first entry not before it, or UNKNOWN (an equal entry before it: the search decides)
      int before = blocks.beforeLastInsert(key, origins[o], ties);
      int first = scan(list, origins, key, origins[o], false);
      if (before == OrderBlocks.NONE) {
        assertThat(first).isZero();
      } else if (before != OrderBlocks.UNKNOWN) {
        assertThat(first).isEqualTo(at);
        assertThat(blocks.valueAt(before)).isEqualTo(list.get(first - 1)[2]);
      } else {
        assertThat(first).as("unknown only past an equal entry").isLessThan(at);
      }
      int other = (o + 1) % origins.length;
      if (other != o) {
        assertThat(blocks.beforeLastInsert(key, origins[other], ties))
            .isEqualTo(OrderBlocks.UNKNOWN);
      }
      assertThat(blocks.beforeLastInsert(key + 1, origins[o], ties)).isEqualTo(OrderBlocks.UNKNOWN);
    }
    assertThat(blocks.size()).isEqualTo(list.size());
    for (int i = 0; i < list.size(); i++) {
      assertThat(blocks.keyAt(i)).isEqualTo(list.get(i)[0]);
      assertThat(blocks.tieAt(i)).isEqualTo((int) list.get(i)[1]);
      assertThat(blocks.get(i)).isEqualTo(list.get(i)[2]);
    }
    for (int probe = 0; probe < 300; probe++) {
      long key = random.nextInt((int) clock + 3) - 1;
      PeerId origin = origins[random.nextInt(origins.length)];
      boolean pastEqual = random.nextBoolean();
      assertThat(blocks.search(key, origin, pastEqual, ties))
          .as("key %d past equal %s", key, pastEqual)
          .isEqualTo(scan(list, origins, key, origin, pastEqual));
    }
    assertThat(blocks.search(Long.MIN_VALUE, origins[0], true, ties)).isZero();
    assertThat(blocks.search(Long.MAX_VALUE, origins[0], false, ties)).isEqualTo(list.size());
    if (inserts > 0) { // another insert since the last one asked about: that one is stale
      blocks.insert(0, 0, Long.MIN_VALUE, 0);
      assertThat(blocks.beforeLastInsert(lastKey, origins[lastOrigin], ties))
          .isEqualTo(OrderBlocks.UNKNOWN);
    }
  }

  private static int scan(
      List<long[]> list, PeerId[] origins, long key, PeerId origin, boolean pastEqual) {
    int i = 0;
    while (i < list.size()) {
      long[] e = list.get(i);
      int c = e[0] != key ? Long.compare(e[0], key) : origins[(int) e[1]].compareTo(origin);
      if (c > 0 || (c == 0 && !pastEqual)) {
        break;
      }
      i++;
    }
    return i;
  }

  @Test
  void insertsAtTheFrontOfFullBlocksSplitThemAndKeepTheOrder() {
    OrderBlocks blocks = new OrderBlocks();
    int n = 5 * OrderBlocks.BLOCK + 3;
    for (int i = 0; i < n; i++) {
      blocks.insert(0, i); // every insert shifts everything: the worst order
    }
    for (int i = 0; i < n; i++) {
      assertThat(blocks.get(i)).isEqualTo(n - 1 - i);
    }
  }

  @Test
  void anIndexOutsideTheListIsRefused() {
    OrderBlocks blocks = new OrderBlocks();
    blocks.insert(0, 7);
    assertThatThrownBy(() -> blocks.insert(2, 1)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> blocks.insert(-1, 1)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThat(blocks.size()).isEqualTo(1);
  }
}
