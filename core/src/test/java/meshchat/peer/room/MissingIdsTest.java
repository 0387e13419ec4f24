package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import org.junit.jupiter.api.Test;

/**
 * The small set of missing ids is the {@code HashSet} it replaces, order included: random adds of
 * ids that share slots, repeat, and pass {@link MissingIds#SMALL} (where it becomes such a set);
 * every order downstream of a held message depends on it.
 */
class MissingIdsTest {
  @Test
  void iteratesAndAnswersExactlyAsAHashSetOfTheSameAdds() {
    for (int run = 0; run < 2_000; run++) {
      Random random = new Random(run);
      PeerId[] origins = new PeerId[1 + random.nextInt(4)];
      for (int i = 0; i < origins.length; i++) {
        origins[i] = PeerId.random(random);
      }
      MissingIds small = new MissingIds();
      HashSet<MessageId> model = new HashSet<>();
      int adds = 2 + random.nextInt(run % 5 == 0 ? 14 : 7);
      List<MessageId> added = new ArrayList<>();
      for (int a = 0; a < adds; a++) {
        MessageId id =
            !added.isEmpty() && random.nextInt(6) == 0
                ? added.get(random.nextInt(added.size())) // again
                : new MessageId(origins[random.nextInt(origins.length)], 1 + random.nextInt(40));
        added.add(id);
        assertThat(small.add(id)).isEqualTo(model.add(id));
        assertThat(new ArrayList<>(small)).containsExactlyElementsOf(new ArrayList<>(model));
        assertThat(small.toArray(new MessageId[0]))
            .containsExactly(model.toArray(new MessageId[0]));
        assertThat(small.toArray()).containsExactly(model.toArray());
        assertThat(small).hasSize(model.size());
        assertThat(new HashSet<>(small)).isEqualTo(model);
        for (MessageId probe : added) {
          assertThat(small.contains(probe)).isTrue();
        }
        assertThat(small.contains(new MessageId(origins[0], 41))).isFalse();
      }
    }
  }

  @Test
  void idsInOneSlotKeepTheOrderAdded() {
    PeerId o = PeerId.fromHex("01");
    List<MessageId> sameSlot = new ArrayList<>();
    MessageId first = new MessageId(o, 1);
    for (long seq = 1; sameSlot.size() < MissingIds.SMALL + 2; seq++) {
      MessageId id = new MessageId(o, seq);
      if (MissingIds.slot(id) == MissingIds.slot(first)) {
        sameSlot.add(id);
      }
    }
    MissingIds small = new MissingIds();
    HashSet<MessageId> model = new HashSet<>();
    for (int i = sameSlot.size() - 1; i >= 0; i--) { // added newest first
      small.add(sameSlot.get(i));
      model.add(sameSlot.get(i));
      assertThat(new ArrayList<>(small)).containsExactlyElementsOf(new ArrayList<>(model));
    }
  }

  @Test
  void aToArrayIntoALargerArrayEndsWithNull() {
    MissingIds small = new MissingIds();
    PeerId o = PeerId.fromHex("02");
    small.add(new MessageId(o, 1));
    small.add(new MessageId(o, 2));
    MessageId[] into = new MessageId[4];
    into[2] = new MessageId(o, 9);
    assertThat(small.toArray(into)).isSameAs(into);
    assertThat(into[2]).isNull();
  }
}
