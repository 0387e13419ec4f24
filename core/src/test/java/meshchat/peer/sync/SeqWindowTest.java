package meshchat.peer.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** Held messages by seq behave as the sorted map they replace, for any order of puts and cuts. */
class SeqWindowTest {
  @Property(tries = 300)
  void behavesAsASortedMap(@ForAll long seed) {
    Random r = new Random(seed);
    SeqWindow<String> held = new SeqWindow<>();
    TreeMap<Long, String> model = new TreeMap<>();
    long next = 1 + r.nextInt(5);
    for (int op = 0; op < 2_000; op++) {
      int what = r.nextInt(10);
      if (what < 6) {
        // mostly the next seq (live order), sometimes one behind, ahead, or again
        long seq = r.nextInt(4) == 0 ? Math.max(1, next - r.nextInt(40)) : next++;
        if (r.nextInt(10) == 0) {
          next += r.nextInt(5);
        }
        String v = "v" + op;
        assertThat(held.put(seq, v)).isEqualTo(model.put(seq, v));
      } else if (what < 8) {
        long seq = Math.max(1, next - r.nextInt(60));
        assertThat(held.get(seq)).isEqualTo(model.get(seq));
      } else {
        long upTo = Math.max(0, next - r.nextInt(30));
        List<String> got = new ArrayList<>();
        int n = held.removeThrough(upTo, got::add);
        var cut = model.headMap(upTo, true);
        assertThat(got).containsExactlyElementsOf(new ArrayList<>(cut.values()));
        assertThat(n).isEqualTo(cut.size());
        cut.clear();
      }
      assertThat(held.size()).isEqualTo(model.size());
      assertThat(held.isEmpty()).isEqualTo(model.isEmpty());
    }
  }

  /**
   * Runs without gaps, runs with gaps and seqs at the extremes of a long (whose distance
   * overflows), put, read, removed and cut in any order: every read, of a seq held or not, inside,
   * below or above the window, answers as the sorted map does.
   */
  @Property(tries = 300)
  void anySeqsAtAnyDistanceReadAsASortedMapHoldsThem(@ForAll long seed) {
    Random r = new Random(seed);
    long[] edges = {
      Long.MIN_VALUE, Long.MIN_VALUE + 1, -1, 0, 1, Long.MAX_VALUE - 1, Long.MAX_VALUE
    };
    long base = r.nextBoolean() ? edges[r.nextInt(edges.length)] : r.nextLong();
    SeqWindow<String> held = new SeqWindow<>();
    TreeMap<Long, String> model = new TreeMap<>();
    for (int op = 0; op < 1_000; op++) {
      long seq =
          switch (r.nextInt(4)) {
            case 0 -> edges[r.nextInt(edges.length)];
            case 1 -> r.nextLong();
            default -> base + r.nextInt(64); // may wrap past the extremes: any long is a seq here
          };
      switch (r.nextInt(5)) {
        case 0, 1 -> assertThat(held.put(seq, "v" + op)).isEqualTo(model.put(seq, "v" + op));
        case 2 -> assertThat(held.remove(seq)).isEqualTo(model.remove(seq));
        case 3 -> {
          if (r.nextInt(8) == 0) {
            List<String> got = new ArrayList<>();
            held.removeThrough(seq, got::add);
            var cut = model.headMap(seq, true);
            assertThat(got).containsExactlyElementsOf(new ArrayList<>(cut.values()));
            cut.clear();
          }
        }
        default -> {}
      }
      for (int probe = 0; probe < 4; probe++) {
        long at =
            probe == 0
                ? seq
                : probe == 1 ? edges[r.nextInt(edges.length)] : base + r.nextInt(80) - 8;
        assertThat(held.get(at)).as("seq %d", at).isEqualTo(model.get(at));
      }
      assertThat(held.size()).isEqualTo(model.size());
    }
  }
}
