package meshchat.peer.store.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import meshchat.peer.limit.WireBounds;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/** OriginLog against a TreeMap model, as seqs move from the sparse map into the dense array. */
class OriginLogTest {
  private static final PeerId ORIGIN = PeerId.fromHex("0a0b0c0d");

  @Provide
  Arbitrary<List<Long>> seqs() {
    // mostly small and dense, now and then one far beyond (a gap, or a hostile peer's number)
    Arbitrary<Long> small = Arbitraries.longs().between(1, 80);
    Arbitrary<Long> far =
        Arbitraries.longs().between(81, WireBounds.MAX_SEQ); // the largest seq a peer may send
    return Arbitraries.frequencyOf(Tuple.of(9, small), Tuple.of(1, far)).list().ofMaxSize(120);
  }

  private static ChatMessage msg(long seq) {
    return new ChatMessage(new MessageId(ORIGIN, seq), seq, 0, "n", "t" + seq, List.of());
  }

  @Property
  void behavesLikeAMapOfSeqs(@ForAll("seqs") List<Long> seqs) {
    OriginLog log = new OriginLog();
    TreeMap<Long, ChatMessage> model = new TreeMap<>();
    for (long s : seqs) {
      if (model.containsKey(s)) {
        assertThat(log.get(s)).isSameAs(model.get(s));
        continue;
      }
      assertThat(log.get(s)).isNull();
      ChatMessage m = msg(s);
      log.put(s, m);
      model.put(s, m);
    }
    assertThat(log.count()).isEqualTo(model.size());
    for (long s = 1; s <= 100; s++) {
      assertThat(log.get(s)).as("seq %d", s).isEqualTo(model.get(s));
    }
    for (long s : model.keySet()) {
      assertThat(log.get(s)).isSameAs(model.get(s));
    }
    assertThat(log.range(1, Long.MAX_VALUE, Integer.MAX_VALUE))
        .containsExactlyElementsOf(model.values());
    assertThat(log.range(5, 40, 7))
        .containsExactlyElementsOf(
            model.subMap(5L, true, 40L, true).values().stream().limit(7).toList());
    assertThat(log.range(60, Long.MAX_VALUE, 3))
        .containsExactlyElementsOf(model.tailMap(60L, true).values().stream().limit(3).toList());
    List<ChatMessage> all = new ArrayList<>();
    log.forEach(all::add);
    assertThat(all).containsExactlyInAnyOrderElementsOf(model.values());
  }
}
