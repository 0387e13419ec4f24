package meshchat.peer.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** One author's early lines by seq hold exactly what a sorted map would, whatever the order. */
class SeqWindowLinesTest {
  private static final PeerId AUTHOR = PeerId.of(new byte[] {7});

  private static ChatMessage line(long seq, int version) {
    return new ChatMessage(new MessageId(AUTHOR, seq), seq, 0, "n", "t" + version, List.of());
  }

  /**
   * Mostly appends and takes from the front, as a link and the usual path make them, and some puts,
   * removes and cuts anywhere (two links of one author, lines kept while held): after every step
   * the lines read back as a TreeMap's, and a cut hands over what the map's head loses, in seq
   * order.
   */
  @Property(tries = 100)
  void anyStepsLeaveWhatASortedMapHolds(
      @ForAll long seed, @ForAll @IntRange(min = 0, max = 600) int steps) {
    Random random = new Random(seed);
    SeqWindow<ChatMessage> lines = new SeqWindow<>();
    TreeMap<Long, ChatMessage> map = new TreeMap<>();
    long next = 1;
    for (int i = 0; i < steps; i++) {
      int op = random.nextInt(10);
      if (op < 4) {
        ChatMessage m = line(next++, i);
        lines.put(m.seq(), m);
        map.put(m.seq(), m);
      } else if (op < 6) {
        long seq =
            map.isEmpty() || random.nextBoolean() ? 1 + random.nextInt((int) next) : map.firstKey();
        assertThat(lines.remove(seq)).isEqualTo(map.remove(seq));
      } else if (op < 8) {
        ChatMessage m = line(1 + random.nextInt((int) next), i);
        lines.put(m.seq(), m);
        map.put(m.seq(), m);
      } else if (op < 9) {
        long through = random.nextInt((int) next + 1);
        int mod = 1 + random.nextInt(3);
        List<ChatMessage> removed = new ArrayList<>();
        int n = lines.removeThrough(through, m -> m.seq() % mod == 0, removed::add);
        List<ChatMessage> expected = new ArrayList<>();
        for (var it = map.headMap(through, true).values().iterator(); it.hasNext(); ) {
          ChatMessage m = it.next();
          if (m.seq() % mod != 0) {
            it.remove();
            expected.add(m);
          }
        }
        assertThat(removed).isEqualTo(expected);
        assertThat(n).isEqualTo(expected.size());
      } else {
        SeqWindow<ChatMessage> other = new SeqWindow<>();
        for (int k = 0; k < random.nextInt(40); k++) {
          ChatMessage m = line(1 + random.nextInt((int) next + 20), -i);
          other.put(m.seq(), m);
          map.put(m.seq(), m);
        }
        lines.putAll(other);
      }
      assertThat(lines.size()).isEqualTo(map.size());
      assertThat(lines.isEmpty()).isEqualTo(map.isEmpty());
      List<ChatMessage> all = new ArrayList<>();
      lines.forEach(all::add);
      assertThat(all).isEqualTo(new ArrayList<>(map.values()));
      long probe = random.nextInt((int) next + 2);
      assertThat(lines.get(probe)).isEqualTo(map.get(probe));
    }
    for (Map.Entry<Long, ChatMessage> e : map.entrySet()) {
      assertThat(lines.get(e.getKey())).isSameAs(e.getValue());
    }
  }
}
