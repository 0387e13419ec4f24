package meshchat.peer.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import meshchat.peer.limit.WireBounds;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * The compact slots against an array of references: each index gives back the very instance put
 * there (a shared {@code 1..n} in a byte, at and past the byte's limit and the shared limit, a set
 * of a holder's own, gapped, or null), through growth and replacements either way.
 */
class SeqSetSlotsTest {
  record Op(int index, int kind, int n) {}

  private static SeqSet setOf(int kind, int n) {
    switch (kind) {
      case 0:
        return null;
      case 1: // a shared 1..n, up to the byte's limit, the shared limit and past it
        return shared(n);
      case 2:
        { // a gapped set of a holder's own
          SeqSet s = new SeqSet();
          s.add(1);
          s.add(n + 2L);
          return s;
        }
      default:
        { // the highest seq the wire allows (Long.MAX_VALUE, 0 and -1 are refused)
          SeqSet s = new SeqSet();
          s.add(WireBounds.MAX_SEQ);
          if (n % 2 == 0) {
            s.add(1);
          }
          return s;
        }
    }
  }

  private static SeqSet shared(int n) {
    SeqSet s = null;
    for (int seq = 1; seq <= n; seq++) {
      s = SeqSet.plus(s, seq);
    }
    return s;
  }

  @Provide
  Arbitrary<List<Op>> ops() {
    Arbitrary<Integer> indexes =
        Arbitraries.oneOf(
            Arbitraries.integers().between(0, 30), Arbitraries.integers().between(0, 5_000));
    Arbitrary<Integer> kinds = Arbitraries.integers().between(0, 4);
    Arbitrary<Integer> ns =
        Arbitraries.oneOf(
            Arbitraries.integers().between(1, 300),
            Arbitraries.of(1, 253, 254, 255, 256, 257, SeqSet.SHARED_UP_TO));
    return Combinators.combine(indexes, kinds, ns).as(Op::new).list().ofMaxSize(600);
  }

  @Property(tries = 300)
  void givesBackTheInstancePutAtEachIndex(@ForAll("ops") List<Op> ops) {
    SeqSetSlots slots = new SeqSetSlots();
    List<SeqSet> model = new ArrayList<>();
    for (Op op : ops) {
      SeqSet s = setOf(op.kind() == 4 ? 1 : op.kind(), op.n()); // shared twice as often
      while (model.size() <= op.index()) {
        model.add(null);
      }
      model.set(op.index(), s);
      slots.set(op.index(), s);
      assertThat(slots.get(op.index())).isSameAs(s);
    }
    for (int i = 0; i < model.size() + 10; i++) {
      assertThat(slots.get(i)).isSameAs(i < model.size() ? model.get(i) : null);
    }
  }

  @Test
  void sharedSetsAtTheLimitsAndASetOfItsOwnEqualToOneAreKeptAsGiven() {
    SeqSetSlots slots = new SeqSetSlots();
    assertThat(slots.get(0)).isNull();
    assertThat(slots.get(1_000_000)).isNull();
    slots.set(1_000_000, null); // nothing: no growth
    for (int n : new int[] {1, SeqSetSlots.IN_BYTE_UP_TO, SeqSetSlots.IN_BYTE_UP_TO + 1, 256}) {
      slots.set(n, shared(n));
      assertThat(slots.get(n)).isSameAs(shared(n)).isSameAs(SeqSet.sharedUpTo(n));
    }
    SeqSet own = new SeqSet(); // 1..1, equal to the shared one, but not it
    own.add(1);
    slots.set(7, own);
    assertThat(slots.get(7)).isSameAs(own);
    slots.set(7, shared(1));
    assertThat(slots.get(7)).isSameAs(shared(1));
    slots.set(255, null);
    assertThat(slots.get(255)).isNull();
    assertThat(slots.get(254)).isSameAs(shared(254));
    SeqSet past = shared(300); // past the shared limit: a set of its own
    slots.set(0, past);
    assertThat(slots.get(0)).isSameAs(past);
  }
}
