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

  /**
   * A sender names any ids it likes as dependencies. Ids of one origin with seq {@code (k << 32) |
   * (k ^ c)} all have one {@link MessageId#hashCode}; placed by it, 20,000 of them were one cluster
   * of 20,000 slots over the home slots of honest ids, and every delivery's lookup walked it.
   */
  @Test
  void idsWithOneHashCodeDoNotMakeOneCluster() {
    PeerId origin = PeerId.fromHex("00112233445566778899aabbccddeeff");
    IdTable<String> table = new IdTable<>();
    int n = 20_000;
    for (long k = 1; k <= n; k++) {
      MessageId id = new MessageId(origin, (k << 32) | (k ^ 0x5a5a));
      assertThat(id.hashCode())
          .isEqualTo(new MessageId(origin, (1L << 32) | (1 ^ 0x5a5a)).hashCode());
      table.putIfAbsent(id, "v");
    }
    assertThat(table.size()).isEqualTo(n);
    // at most half full, with ids placed at random the longest run is a few dozen slots
    assertThat(table.longestCluster()).isLessThan(200);
    assertThat(table.get(new MessageId(origin, 7))).isNull();
    for (long k = 1; k <= n; k++) {
      assertThat(table.remove(new MessageId(origin, (k << 32) | (k ^ 0x5a5a)))).isEqualTo("v");
    }
    assertThat(table.isEmpty()).isTrue();
  }

  @Test
  void aKeyedHashDependsOnEveryByteOfTheOrigin() {
    // ids that share their first 8 bytes and their polynomial hashCode still hash apart
    byte[] a = new byte[16];
    byte[] b = new byte[16];
    b[14] = 1;
    b[15] = -31; // 31 * 1 + (-31) = 0: the same Arrays.hashCode as a
    PeerId x = PeerId.of(a);
    PeerId y = PeerId.of(b);
    assertThat(x.hashCode()).isEqualTo(y.hashCode());
    assertThat(x.keyedHash()).isNotEqualTo(y.keyedHash());
  }
}
