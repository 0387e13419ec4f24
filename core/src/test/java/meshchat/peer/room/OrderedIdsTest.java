package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import org.junit.jupiter.api.Test;

/**
 * The frontier's set answers and lists as the {@code LinkedHashSet} it replaces: random adds (of
 * ids held already too, which keep their place), removals by id and by author and seq, of ids that
 * collide (few origins, near seqs, equal ids as other instances), through growth, and with its
 * orders renumbered every few adds; the listing order is the message's deps, so it must be exact.
 */
class OrderedIdsTest {
  @Test
  void answersAndListsAsALinkedHashSet() {
    for (int run = 0; run < 100; run++) {
      Random random = new Random(run);
      PeerId[] origins = new PeerId[1 + random.nextInt(3)];
      for (int i = 0; i < origins.length; i++) {
        origins[i] = PeerId.random(random);
      }
      int seqs = 1 + random.nextInt(run % 3 == 0 ? 8 : 300);
      // every third run renumbers after a few adds: the order must survive it
      OrderedIds set = run % 3 == 1 ? new OrderedIds(1 + random.nextInt(20)) : new OrderedIds();
      Set<MessageId> model = new LinkedHashSet<>();
      List<MessageId> seen = new ArrayList<>();
      for (int step = 0; step < 600; step++) {
        PeerId origin = origins[random.nextInt(origins.length)];
        long seq = 1 + random.nextInt(seqs);
        MessageId id = new MessageId(origin, seq); // another instance of an equal id, often
        int op = random.nextInt(10);
        if (op < 5) {
          assertThat(set.add(id)).isEqualTo(model.add(id));
        } else if (op < 7) {
          assertThat(set.remove(id)).isEqualTo(model.remove(id));
        } else if (op < 9) {
          assertThat(set.remove(origin, seq)).isEqualTo(model.remove(id));
        } else {
          List<MessageId> more = List.of(id, new MessageId(origin, 1 + random.nextInt(seqs)));
          set.addAll(more);
          model.addAll(more);
        }
        seen.add(id);
        assertThat(set.size()).isEqualTo(model.size());
        assertThat(set.isEmpty()).isEqualTo(model.isEmpty());
        for (MessageId probe : seen) {
          assertThat(set.contains(probe)).isEqualTo(model.contains(probe));
        }
        assertThat(set.list()).containsExactlyElementsOf(model);
      }
    }
  }

  /**
   * A delivered message can be a stranger's (shown incomplete, its author's earlier seqs never
   * came), so the frontier holds ids a sender chose: ids of one origin with seq {@code (k << 32) |
   * (k ^ c)}, which share one {@link MessageId#hashCode}, must not make one cluster that every
   * delivery's removals walk (see {@code IdTableTest.idsWithOneHashCodeDoNotMakeOneCluster}).
   */
  @Test
  void idsWithOneHashCodeDoNotMakeOneCluster() {
    PeerId origin = PeerId.fromHex("00112233445566778899aabbccddeeff");
    OrderedIds set = new OrderedIds();
    int n = 20_000;
    for (long k = 1; k <= n; k++) {
      MessageId id = new MessageId(origin, (k << 32) | (k ^ 0x5a5a));
      assertThat(id.hashCode())
          .isEqualTo(new MessageId(origin, (1L << 32) | (1 ^ 0x5a5a)).hashCode());
      set.add(id);
    }
    assertThat(set.size()).isEqualTo(n);
    assertThat(set.longestCluster()).isLessThan(200); // at most half full, placed at random
    assertThat(set.remove(origin, 7)).isFalse();
    for (long k = 1; k <= n; k++) {
      assertThat(set.remove(origin, (k << 32) | (k ^ 0x5a5a))).isTrue();
    }
    assertThat(set.isEmpty()).isTrue();
  }

  @Test
  void anEmptySetListsNothingAndRemovesNothing() {
    OrderedIds set = new OrderedIds();
    PeerId origin = PeerId.random(new Random(1));
    assertThat(set.list()).isEmpty();
    assertThat(set.remove(origin, Long.MAX_VALUE)).isFalse();
    assertThat(set.remove(new MessageId(origin, 1))).isFalse();
    assertThat(set.add(new MessageId(origin, 1))).isTrue();
    assertThat(set.remove(origin, 1)).isTrue();
    assertThat(set.list()).isEmpty();
  }
}
