package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import org.junit.jupiter.api.Test;

/**
 * The causal buffer's id table answers as the {@code HashMap} it replaces: random puts, slot
 * updates and removals of ids that collide (few origins, near seqs, equal ids as other instances),
 * through growth and long clusters, against a map; a removal in the middle of a cluster must shift
 * back what follows it or a later lookup misses (checked by every lookup after each step).
 */
class IdTableTest {
  @Test
  void answersAsAHashMapThroughPutsRemovalsAndGrowth() {
    for (int run = 0; run < 100; run++) {
      Random random = new Random(run);
      PeerId[] origins = new PeerId[1 + random.nextInt(3)];
      for (int i = 0; i < origins.length; i++) {
        origins[i] = PeerId.random(random);
      }
      int seqs = 1 + random.nextInt(run % 3 == 0 ? 8 : 300);
      IdTable<Integer> table = new IdTable<>();
      Map<MessageId, Integer> model = new HashMap<>();
      Set<MessageId> seen = new LinkedHashSet<>();
      for (int step = 0; step < 600; step++) {
        // another instance of an equal id, half the time: the table compares by value
        MessageId id =
            new MessageId(origins[random.nextInt(origins.length)], 1 + random.nextInt(seqs));
        int op = random.nextInt(10);
        if (op < 4) {
          assertThat(table.putIfAbsent(id, step)).isEqualTo(model.putIfAbsent(id, step));
        } else if (op < 6) {
          int at = table.slot(id);
          assertThat(table.valueAt(at)).isEqualTo(model.get(id));
          table.putAt(at, id, step);
          model.put(id, step);
        } else {
          assertThat(table.remove(id)).isEqualTo(model.remove(id));
        }
        seen.add(id);
        assertThat(table.size()).isEqualTo(model.size());
        assertThat(table.isEmpty()).isEqualTo(model.isEmpty());
        for (MessageId probe : seen) {
          assertThat(table.get(probe)).isEqualTo(model.get(probe));
          assertThat(table.containsKey(probe)).isEqualTo(model.containsKey(probe));
        }
        if (step % 50 == 0) {
          assertThat(table.values()).containsExactlyInAnyOrderElementsOf(model.values());
        }
      }
    }
  }

  @Test
  void emptiedByRemovalsItFindsNothingAndTakesNoNullValue() {
    IdTable<String> table = new IdTable<>();
    PeerId o = PeerId.fromHex("01");
    for (long seq = 1; seq <= 1_000; seq++) {
      table.putIfAbsent(new MessageId(o, seq), "v" + seq);
    }
    for (long seq = 1_000; seq >= 1; seq--) {
      assertThat(table.remove(new MessageId(o, seq))).isEqualTo("v" + seq);
    }
    assertThat(table.isEmpty()).isTrue();
    assertThat(table.get(new MessageId(o, 1))).isNull();
    assertThat(table.remove(new MessageId(o, meshchat.peer.limit.WireBounds.MAX_SEQ))).isNull();
    assertThatThrownBy(() -> table.putIfAbsent(new MessageId(o, 1), null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(table.size()).isZero();
  }
}
