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
}
