package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;
import meshchat.peer.sync.SeqSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.junit.jupiter.api.Test;

/** OwnDelivery's sorted array against the TreeSet it replaced, through growth and the cap. */
class OwnDeliveryTest {
  /** A step: a seq sent (positive), or a digest listing the seqs from 1 to -step (negative). */
  @Provide
  Arbitrary<List<Long>> steps() {
    Arbitrary<Long> counting = Arbitraries.longs().between(1, 400);
    Arbitrary<Long> digest = Arbitraries.longs().between(-400, -1);
    return Arbitraries.frequencyOf(Tuple.of(8, counting), Tuple.of(1, digest))
        .list()
        .ofMaxSize(300);
  }

  @Property
  void behavesAsASortedSetOfSeqs(@ForAll("steps") List<Long> steps) {
    OwnDelivery own = new OwnDelivery();
    TreeSet<Long> model = new TreeSet<>();
    long next = 0;
    for (long step : steps) {
      if (step > 0) {
        // mostly counting up, as own seqs do, now and then an older one sent again or late
        long seq = step % 5 == 0 ? step : ++next;
        own.sent(seq);
        model.add(seq);
      } else {
        SeqSet theirs = new SeqSet();
        theirs.addRange(1, -step);
        theirs.add(-step + 7); // a gap: held beyond it too
        List<Long> expected = new ArrayList<>();
        for (Iterator<Long> it = model.iterator(); it.hasNext(); ) {
          long s = it.next();
          if (theirs.contains(s)) {
            expected.add(s);
            it.remove();
          }
        }
        assertThat(own.heldIn(theirs)).isEqualTo(expected);
      }
      assertThat(own.pendingCount()).isEqualTo(model.size());
    }
  }

  @Test
  void theOldestStopBeingWatchedPastTheCap() {
    OwnDelivery own = new OwnDelivery();
    for (long s = 1; s <= OwnDelivery.MAX_WATCHED + 5; s++) {
      own.sent(s);
    }
    own.sent(3); // below every watched seq: watched, then dropped as the oldest
    assertThat(own.pendingCount()).isEqualTo(OwnDelivery.MAX_WATCHED);
    SeqSet all = new SeqSet();
    all.addRange(1, OwnDelivery.MAX_WATCHED + 5);
    List<Long> held = own.heldIn(all);
    assertThat(held).hasSize(OwnDelivery.MAX_WATCHED);
    assertThat(held.get(0)).isEqualTo(6L);
    assertThat(own.pendingCount()).isZero();
  }
}
