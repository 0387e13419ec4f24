package meshchat.peer.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import meshchat.peer.limit.WireBounds;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** SeqSet against a naive model: a TreeSet holding every number. */
class SeqSetTest {

  @Test
  void aSnapshotOfAShortWholeHistoryIsSharedAndNeverChanges() {
    for (long n : new long[] {1, 2, SeqSet.SHARED_UP_TO}) {
      SeqSet held = new SeqSet();
      held.addRange(1, n);
      SeqSet snap = held.snapshot();
      assertThat(snap).isEqualTo(held).isNotSameAs(held).isSameAs(held.copy().snapshot());
      assertThat(snap.count()).isEqualTo(n);
      assertThatThrownBy(() -> snap.add(n + 1)).isInstanceOf(UnsupportedOperationException.class);
      assertThatThrownBy(() -> snap.addRange(1, 1))
          .isInstanceOf(UnsupportedOperationException.class);
      held.add(n + 1); // the holdings go on growing; the snapshot does not
      assertThat(snap.count()).isEqualTo(n);
      assertThat(snap.contains(n + 1)).isFalse();
    }
  }

  /**
   * {@code n} numbers added through {@link SeqSet#plus} in {@code order}, checked at every step.
   */
  private static SeqSet plusAll(List<Long> order) {
    SeqSet held = null;
    TreeSet<Long> model = new TreeSet<>();
    for (long seq : order) {
      SeqSet before = held == null ? null : held.copy();
      SeqSet shared = held != null && held == held.snapshot() ? held : null;
      held = SeqSet.plus(held, seq);
      model.add(seq);
      assertThat(held.count()).isEqualTo(model.size());
      assertThat(held.contains(seq)).isTrue();
      assertThat(held.contiguous()).isEqualTo(contiguousOf(model));
      if (before != null) {
        assertThat(held.containsAll(before)).isTrue();
      }
      if (shared != null) { // a shared 1..n that was handed out never changed
        assertThat(shared).isEqualTo(before);
      }
      boolean oneToN = model.first() == 1 && model.last() == model.size();
      if (oneToN && model.size() <= SeqSet.SHARED_UP_TO) {
        assertThat(held).isSameAs(held.snapshot()); // the shared instance, whatever the path
      } else {
        assertThat(held).isNotSameAs(held.snapshot());
      }
    }
    return held;
  }

  private static long contiguousOf(TreeSet<Long> model) {
    long n = 0;
    while (model.contains(n + 1)) {
      n++;
    }
    return n;
  }

  private static List<Long> range(long from, long to) {
    List<Long> out = new ArrayList<>();
    for (long i = from; i <= to; i++) {
      out.add(i);
    }
    return out;
  }

  @Test
  void plusKeepsOneToNSharedInEveryOrderAndPastTheSharedLimit() {
    int n = SeqSet.SHARED_UP_TO + 3;
    // in order: shared from 1 to the limit, a set of its own past it
    assertThat(plusAll(range(1, n)).count()).isEqualTo(n);
    // backwards: gaps everywhere until 1 comes, then shared (n of them past the limit: not)
    List<Long> backwards = range(1, SeqSet.SHARED_UP_TO);
    Collections.reverse(backwards);
    assertThat(plusAll(backwards)).isSameAs(plusAll(range(1, SeqSet.SHARED_UP_TO)));
    List<Long> longBackwards = range(1, n);
    Collections.reverse(longBackwards);
    assertThat(plusAll(longBackwards).count()).isEqualTo(n);
    // shuffled, with repeats; and a gap that fills last
    Random random = new Random(7);
    for (int round = 0; round < 20; round++) {
      List<Long> order = range(1, 40 + random.nextInt(300));
      order.addAll(order.subList(0, 10));
      Collections.shuffle(order, random);
      plusAll(order);
    }
    List<Long> gapLast = range(1, 100);
    gapLast.remove(Long.valueOf(50));
    gapLast.add(50L);
    assertThat(plusAll(gapLast)).isSameAs(plusAll(range(1, 100)));
    // a repeat of a shared set's own number, and of its next one, change nothing shared
    SeqSet three = plusAll(range(1, 3));
    assertThat(SeqSet.plus(three, 2)).isSameAs(three);
    assertThat(SeqSet.plus(three, 4)).isSameAs(plusAll(range(1, 4)));
    assertThat(three.count()).isEqualTo(3);
  }

  @Test
  void plusRefusesWhatAddRefusesAndChangesNothingShared() {
    SeqSet three = plusAll(range(1, 3));
    for (long bad : new long[] {0, -1, Long.MIN_VALUE, WireBounds.MAX_SEQ + 1, Long.MAX_VALUE}) {
      assertThatThrownBy(() -> SeqSet.plus(null, bad)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> SeqSet.plus(three, bad))
          .isInstanceOf(IllegalArgumentException.class);
      assertThat(three).isSameAs(three.snapshot());
      assertThat(three.count()).isEqualTo(3);
    }
    // the wire's highest seq: a set of its own, beside 1..n or alone
    SeqSet top = SeqSet.plus(three, WireBounds.MAX_SEQ);
    assertThat(top).isNotSameAs(three);
    assertThat(top.count()).isEqualTo(4);
    assertThat(top.contains(WireBounds.MAX_SEQ)).isTrue();
    assertThat(three.contains(WireBounds.MAX_SEQ)).isFalse();
    assertThat(SeqSet.plus(null, WireBounds.MAX_SEQ).contiguous()).isZero();
    // the shared limit and one past it
    SeqSet full = plusAll(range(1, SeqSet.SHARED_UP_TO));
    SeqSet past = SeqSet.plus(full, SeqSet.SHARED_UP_TO + 1);
    assertThat(past).isNotSameAs(past.snapshot());
    assertThat(past.contiguous()).isEqualTo(SeqSet.SHARED_UP_TO + 1);
    assertThat(full.count()).isEqualTo(SeqSet.SHARED_UP_TO);
  }

  @Test
  void shareableGivesTheSharedInstanceOnlyForOneToNUpToTheLimit() {
    SeqSet s = new SeqSet();
    s.addRange(1, 9);
    assertThat(SeqSet.shareable(s)).isSameAs(s.snapshot()).isNotSameAs(s);
    SeqSet gap = new SeqSet();
    gap.addRange(2, 9);
    assertThat(SeqSet.shareable(gap)).isSameAs(gap);
    SeqSet big = new SeqSet();
    big.addRange(1, SeqSet.SHARED_UP_TO + 1);
    assertThat(SeqSet.shareable(big)).isSameAs(big);
    SeqSet empty = new SeqSet();
    assertThat(SeqSet.shareable(empty)).isSameAs(empty);
  }

  @Property(tries = 200)
  void plusBehavesLikeAddOnACopy(@ForAll("denseOps") List<Op> ops) {
    SeqSet held = null;
    SeqSet model = new SeqSet();
    for (Op op : ops) {
      for (long seq = op.first(); seq <= op.last(); seq++) {
        held = SeqSet.plus(held, seq);
        model.add(seq);
        assertThat(held).isEqualTo(model);
      }
    }
  }

  @Property(tries = 200)
  void intersectsSaysWhetherAnyNumberOfTheRangeIsIn(
      @ForAll("denseOps") List<Op> ops,
      @ForAll @net.jqwik.api.constraints.LongRange(min = 1, max = 25) long lo,
      @ForAll @net.jqwik.api.constraints.LongRange(min = 0, max = 20) long width) {
    SeqSet s = new SeqSet();
    java.util.Set<Long> model = new java.util.HashSet<>();
    for (Op op : ops) {
      s.addRange(op.first(), op.last());
      for (long seq = op.first(); seq <= op.last(); seq++) {
        model.add(seq);
      }
      boolean any = false;
      for (long seq = lo; seq <= lo + width; seq++) {
        any |= model.contains(seq);
      }
      assertThat(s.intersects(lo, lo + width)).as("%s ∩ %d..%d", s, lo, lo + width).isEqualTo(any);
    }
    assertThat(new SeqSet().intersects(1, WireBounds.MAX_SEQ)).isFalse();
  }

  @Test
  void aSnapshotOfAnythingElseIsACopyOfItsOwn() {
    SeqSet longer = new SeqSet();
    longer.addRange(1, SeqSet.SHARED_UP_TO + 1L);
    SeqSet gapped = new SeqSet();
    gapped.addRange(1, 3);
    gapped.add(5);
    SeqSet notFromOne = new SeqSet();
    notFromOne.addRange(2, 3);
    SeqSet top = new SeqSet();
    top.add(WireBounds.MAX_SEQ);
    for (SeqSet s : List.of(longer, gapped, notFromOne, top, new SeqSet())) {
      SeqSet snap = s.snapshot();
      assertThat(snap).isEqualTo(s).isNotSameAs(s).isNotSameAs(s.snapshot());
      snap.add(WireBounds.MAX_SEQ - 1); // its own: changing it changes nothing else
      assertThat(s.contains(WireBounds.MAX_SEQ - 1)).isFalse();
    }
  }

  @Test
  void addReportsWhetherTheNumberWasNew() {
    SeqSet s = new SeqSet();
    assertThat(s.add(3)).isTrue();
    assertThat(s.add(3)).isFalse();
    assertThat(s.count()).isEqualTo(1);
    assertThat(s.contains(3)).isTrue();
    assertThat(s.contains(2)).isFalse();
  }

  @Test
  void adjacentRangesMergeIntoOne() {
    SeqSet s = new SeqSet();
    s.addRange(1, 3);
    s.addRange(7, 9);
    s.addRange(4, 6); // touches both neighbours
    assertThat(s.ranges()).containsExactly(new SeqRange(1, 9));
    assertThat(s.count()).isEqualTo(9);
  }

  @Test
  void overlappingRangesMergeAndCountOnce() {
    SeqSet s = new SeqSet();
    s.addRange(5, 10);
    s.addRange(8, 12);
    s.addRange(2, 6);
    s.addRange(20, 25);
    s.addRange(1, 30); // swallows everything
    assertThat(s.ranges()).containsExactly(new SeqRange(1, 30));
    assertThat(s.count()).isEqualTo(30);
    s.addRange(3, 4); // already inside
    assertThat(s.count()).isEqualTo(30);
  }

  @Test
  void contiguousIsTheHighWaterMarkFromOne() {
    SeqSet s = new SeqSet();
    assertThat(s.contiguous()).isZero();
    s.add(2);
    assertThat(s.contiguous()).isZero();
    s.add(1);
    assertThat(s.contiguous()).isEqualTo(2);
    s.addRange(5, 6);
    assertThat(s.contiguous()).isEqualTo(2);
    assertThat(s.beyond()).containsExactly(new SeqRange(5, 6));
    assertThat(s.max()).isEqualTo(6);
  }

  @Property
  void ofTakesADigestsRangesInAnyOrder(
      @ForAll("ops") List<Op> ops, @ForAll long contiguous, @ForAll long seed) {
    long c = Math.floorMod(contiguous, 20L);
    List<SeqRange> beyond = new ArrayList<>();
    SeqSet expected = new SeqSet();
    if (c > 0) {
      expected.addRange(1, c);
    }
    for (Op op : ops) {
      beyond.add(new SeqRange(op.first(), op.last()));
      expected.addRange(op.first(), op.last());
    }
    Collections.shuffle(beyond, new Random(seed));
    assertThat(SeqSet.of(c, beyond)).isEqualTo(expected);
  }

  @Test
  void rangesInDescendingOrderBuildAtTheEndOfTheArraysNotShiftingThemAll() {
    // A hostile digest may list its ranges backwards. Added as they come, each would shift every
    // range already in (quadratic); sorted first, each goes at the end. Four times the 65,536 a
    // digest may carry, so that the quadratic build takes seconds (0.44 s at 65,536 here) and the
    // linear one tens of milliseconds: the bound sits far from both.
    int n = 4 * 65_536;
    List<SeqRange> backwards = new ArrayList<>(n);
    for (int i = n; i >= 1; i--) {
      backwards.add(new SeqRange(3L * i, 3L * i + 1));
    }
    SeqSet s =
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
            java.time.Duration.ofSeconds(2), () -> SeqSet.of(0, backwards));
    assertThat(s.rangeCount()).isEqualTo(n);
    assertThat(s.count()).isEqualTo(2L * n);
    assertThat(s.contains(3L * n + 1)).isTrue();
    assertThat(s.contains(3L * n + 2)).isFalse();
  }

  @Test
  void ofRebuildsADigestEntry() {
    SeqSet s = SeqSet.of(4, List.of(new SeqRange(7, 8), new SeqRange(10, 10)));
    assertThat(s.contiguous()).isEqualTo(4);
    assertThat(s.beyond()).containsExactly(new SeqRange(7, 8), new SeqRange(10, 10));
    assertThat(s.count()).isEqualTo(7);
    assertThat(SeqSet.of(0, List.of()).isEmpty()).isTrue();
  }

  @Test
  void missingFromListsTheOtherSidesRangesWeLack() {
    SeqSet mine = SeqSet.of(3, List.of(new SeqRange(6, 7), new SeqRange(12, 20)));
    SeqSet theirs = SeqSet.of(15, List.of(new SeqRange(18, 25)));
    assertThat(mine.missingFrom(theirs))
        .containsExactly(new SeqRange(4, 5), new SeqRange(8, 11), new SeqRange(21, 25));
    assertThat(theirs.missingFrom(mine)).containsExactly(new SeqRange(16, 17));
    assertThat(mine.missingFrom(mine)).isEmpty();
  }

  @Test
  void copiesAreIndependent() {
    SeqSet s = SeqSet.of(3, List.of());
    SeqSet c = s.copy();
    c.add(4);
    assertThat(s.count()).isEqualTo(3);
    assertThat(c).isNotEqualTo(s);
    s.add(4);
    assertThat(c).isEqualTo(s).hasSameHashCodeAs(s);
  }

  @Test
  void badRangesAreRefused() {
    assertThatThrownBy(() -> new SeqSet().addRange(0, 3))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SeqSet().addRange(5, 4))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SeqRange(0, 1)).isInstanceOf(IllegalArgumentException.class);
  }

  // ---- properties against the model ----

  record Op(long first, long last) {}

  @Provide
  Arbitrary<List<Op>> ops() {
    // small numbers so that ranges touch, overlap and nest often
    Arbitrary<Long> first = Arbitraries.longs().between(1, 60);
    Arbitrary<Long> len = Arbitraries.longs().between(0, 8);
    return Combinators.combine(first, len).as((f, l) -> new Op(f, f + l)).list().ofMaxSize(40);
  }

  private static SeqSet build(List<Op> ops, TreeSet<Long> model) {
    SeqSet s = new SeqSet();
    for (Op op : ops) {
      if (op.first() == op.last() && op.first() % 2 == 0) {
        assertThat(s.add(op.first())).isEqualTo(model.add(op.first()));
      } else {
        s.addRange(op.first(), op.last());
        for (long i = op.first(); i <= op.last(); i++) {
          model.add(i);
        }
      }
    }
    return s;
  }

  @Property
  void behavesLikeASetOfNumbers(@ForAll("ops") List<Op> ops) {
    TreeSet<Long> model = new TreeSet<>();
    SeqSet s = build(ops, model);
    assertThat(s.count()).isEqualTo(model.size());
    assertThat(s.isEmpty()).isEqualTo(model.isEmpty());
    assertThat(s.max()).isEqualTo(model.isEmpty() ? 0 : model.last());
    for (long i = 0; i <= 70; i++) {
      assertThat(s.contains(i)).as("contains %d", i).isEqualTo(model.contains(i));
    }
    long contiguous = 0;
    while (model.contains(contiguous + 1)) {
      contiguous++;
    }
    assertThat(s.contiguous()).isEqualTo(contiguous);
  }

  @Property
  void rangesAreDisjointSortedAndNeverAdjacent(@ForAll("ops") List<Op> ops) {
    TreeSet<Long> model = new TreeSet<>();
    SeqSet s = build(ops, model);
    List<SeqRange> rs = s.ranges();
    List<Long> expanded = new ArrayList<>();
    for (int i = 0; i < rs.size(); i++) {
      if (i > 0) {
        assertThat(rs.get(i).first()).isGreaterThan(rs.get(i - 1).last() + 1);
      }
      for (long n = rs.get(i).first(); n <= rs.get(i).last(); n++) {
        expanded.add(n);
      }
    }
    assertThat(expanded).containsExactlyElementsOf(model);
    // contiguous + beyond is a lossless digest entry
    assertThat(SeqSet.of(s.contiguous(), s.beyond())).isEqualTo(s);
  }

  @Property
  void missingFromIsSetDifference(@ForAll("ops") List<Op> a, @ForAll("ops") List<Op> b) {
    TreeSet<Long> ma = new TreeSet<>();
    TreeSet<Long> mb = new TreeSet<>();
    SeqSet sa = build(a, ma);
    SeqSet sb = build(b, mb);
    TreeSet<Long> expected = new TreeSet<>(mb);
    expected.removeAll(ma);
    List<Long> got = new ArrayList<>();
    List<SeqRange> gaps = sa.missingFrom(sb);
    for (int i = 0; i < gaps.size(); i++) {
      if (i > 0) {
        assertThat(gaps.get(i).first()).isGreaterThan(gaps.get(i - 1).last());
      }
      for (long n = gaps.get(i).first(); n <= gaps.get(i).last(); n++) {
        got.add(n);
      }
    }
    assertThat(got).containsExactlyElementsOf(expected);
  }

  @Property
  void containsAllIsSubsetAndAgreesWithMissingFrom(
      @ForAll("ops") List<Op> a, @ForAll("ops") List<Op> b) {
    TreeSet<Long> ma = new TreeSet<>();
    TreeSet<Long> mb = new TreeSet<>();
    SeqSet sa = build(a, ma);
    SeqSet sb = build(b, mb);
    assertThat(sa.containsAll(sb)).isEqualTo(ma.containsAll(mb));
    assertThat(sa.containsAll(sb)).isEqualTo(sa.missingFrom(sb).isEmpty());
    assertThat(sa.containsAll(sa)).isTrue();
    SeqSet union = sa.copy();
    sb.ranges().forEach(r -> union.addRange(r.first(), r.last()));
    assertThat(union.containsAll(sa)).isTrue();
    assertThat(union.containsAll(sb)).isTrue();
  }

  @Property
  void equalContentMeansEqualSets(@ForAll("ops") List<Op> ops, @ForAll long seed) {
    TreeSet<Long> model = new TreeSet<>();
    SeqSet s = build(ops, model);
    List<Long> shuffled = new ArrayList<>(model);
    Collections.shuffle(shuffled, new Random(seed));
    SeqSet one = new SeqSet();
    shuffled.forEach(one::add);
    assertThat(one).isEqualTo(s).hasSameHashCodeAs(s);
    assertThat(one.count()).isEqualTo(s.count());
  }

  @Provide
  Arbitrary<List<Op>> denseOps() {
    // a narrow window, so that a set often goes from one range to several and back to one
    Arbitrary<Long> first = Arbitraries.longs().between(1, 16);
    Arbitrary<Long> len = Arbitraries.longs().between(0, 3);
    return Combinators.combine(first, len).as((f, l) -> new Op(f, f + l)).list().ofMaxSize(30);
  }

  private static List<SeqRange> modelRanges(TreeSet<Long> model) {
    List<SeqRange> out = new ArrayList<>();
    long lo = 0;
    long hi = 0;
    for (long n : model) {
      if (lo != 0 && n == hi + 1) {
        hi = n;
        continue;
      }
      if (lo != 0) {
        out.add(new SeqRange(lo, hi));
      }
      lo = n;
      hi = n;
    }
    if (lo != 0) {
      out.add(new SeqRange(lo, hi));
    }
    return out;
  }

  @Property
  void agreesWithTheModelAfterEveryStepAsGapsOpenAndClose(@ForAll("denseOps") List<Op> ops) {
    // one range is kept as two longs, several in a tree: check each step across those changes
    TreeSet<Long> model = new TreeSet<>();
    SeqSet s = new SeqSet();
    List<SeqSet> copies = new ArrayList<>();
    List<List<SeqRange>> copiedAs = new ArrayList<>();
    for (Op op : ops) {
      s.addRange(op.first(), op.last());
      for (long i = op.first(); i <= op.last(); i++) {
        model.add(i);
      }
      List<SeqRange> expected = modelRanges(model);
      assertThat(s.ranges()).containsExactlyElementsOf(expected);
      assertThat(s.rangeCount()).isEqualTo(expected.size());
      assertThat(s.count()).isEqualTo(model.size());
      assertThat(s.max()).isEqualTo(model.last());
      for (long i = 0; i <= 22; i++) {
        assertThat(s.contains(i)).as("contains %d", i).isEqualTo(model.contains(i));
      }
      SeqSet rebuilt = new SeqSet();
      for (SeqRange r : expected) {
        rebuilt.addRange(r.first(), r.last());
      }
      assertThat(rebuilt).isEqualTo(s).hasSameHashCodeAs(s);
      assertThat(s.missingFrom(rebuilt)).isEmpty();
      assertThat(new SeqSet().missingFrom(s)).containsExactlyElementsOf(expected);
      copies.add(s.copy());
      copiedAs.add(expected);
    }
    // a copy taken in either form never sees later additions
    for (int i = 0; i < copies.size(); i++) {
      assertThat(copies.get(i).ranges()).containsExactlyElementsOf(copiedAs.get(i));
    }
  }
}
