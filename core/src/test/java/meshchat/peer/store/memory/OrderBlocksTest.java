package meshchat.peer.store.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
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
