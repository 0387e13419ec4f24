package meshchat.peer.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The packed table (an index and its hash's bits in one int per slot) against a map, with keys
 * whose hashes are few and extreme (0, -1, the int's limits), so probe runs are long, hash bits
 * match for different keys, and the table grows many times while they do.
 */
class AuthorIndexPropertyTest {
  /** A key whose hash is chosen, equal by its name only. */
  record Key(int name, int hash) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && k.name == name;
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  @Provide
  Arbitrary<List<Integer>> names() {
    return Arbitraries.integers().between(-3, 3_000).list().ofMaxSize(4_000);
  }

  private static int hashOf(int name, int spread) {
    int[] extremes = {0, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, 1, 1 << 16, -(1 << 16)};
    return spread == 0
        ? extremes[Math.floorMod(name, extremes.length)]
        : extremes[Math.floorMod(name, extremes.length)] + (name % spread) * 0x10001;
  }

  @Property(tries = 200)
  void numbersLikeAMapOfFirstSightsWhateverTheHashes(
      @ForAll("names") List<Integer> names, @ForAll("spreads") int spread) {
    AuthorIndex<Key> index = new AuthorIndex<>();
    Map<Integer, Integer> model = new HashMap<>();
    List<Integer> order = new ArrayList<>();
    for (int name : names) {
      Key k = new Key(name, hashOf(name, spread));
      Integer known = model.get(name);
      assertThat(index.indexOf(new Key(name, k.hash()))).isEqualTo(known == null ? -1 : known);
      int a = index.add(k);
      if (known == null) {
        assertThat(a).isEqualTo(order.size());
        model.put(name, a);
        order.add(name);
      } else {
        assertThat(a).isEqualTo(known);
      }
      assertThat(index.size()).isEqualTo(order.size());
    }
    for (int a = 0; a < order.size(); a++) {
      assertThat(index.author(a).name()).isEqualTo(order.get(a));
      assertThat(index.indexOf(new Key(order.get(a), hashOf(order.get(a), spread)))).isEqualTo(a);
    }
    // a key of a known hash, never added, is not found
    assertThat(index.indexOf(new Key(-7, 0))).isEqualTo(-1);
    assertThat(index.indexOf(new Key(-8, -1))).isEqualTo(-1);
    assertThat(index.indexOf(new Key(-9, Integer.MIN_VALUE))).isEqualTo(-1);
  }

  @Provide
  Arbitrary<Integer> spreads() {
    return Arbitraries.of(0, 1, 3, 97, 1 << 20);
  }

  @Property(tries = 50)
  void keysDifferingOnlyInHashBitsAboveTheIndexAreToldApart(@ForAll("counts") int count) {
    // hashes that agree in every bit a small table keeps, and differ only where a grown one keeps
    // index bits: each must be found as itself through every growth
    AuthorIndex<Key> index = new AuthorIndex<>();
    for (int n = 0; n < count; n++) {
      assertThat(index.add(new Key(n, n << 4))).isEqualTo(n);
      assertThat(index.add(new Key(0, 0))).isZero();
    }
    for (int n = 0; n < count; n++) {
      assertThat(index.indexOf(new Key(n, n << 4))).isEqualTo(n);
      assertThat(index.indexOf(new Key(n + count, n << 4))).isEqualTo(-1);
    }
  }

  @Provide
  Arbitrary<Integer> counts() {
    return Arbitraries.integers().between(0, 5_000);
  }

  @Property(tries = 20)
  void anEmptyIndexFindsNothing(@ForAll int hash) {
    assertThat(new AuthorIndex<Key>().indexOf(new Key(1, hash))).isEqualTo(-1);
    assertThat(new AuthorIndex<Key>().size()).isZero();
  }

  /** An entry of an index with keyOf: a key wrapped, as the store keeps an author's one message. */
  record Wrapped(Key key, int payload) {}

  private static Key keyOf(Object entry) {
    return entry instanceof Wrapped w ? w.key() : (Key) entry;
  }

  @Property(tries = 150)
  void entriesSetInAnAuthorsPlaceKeepItsNumberThroughGrowth(
      @ForAll("names") List<Integer> names, @ForAll("spreads") int spread) {
    AuthorIndex<Key> index = new AuthorIndex<>(AuthorIndexPropertyTest::keyOf);
    Map<Integer, Integer> model = new HashMap<>();
    List<Integer> order = new ArrayList<>();
    Map<Integer, Object> entries = new HashMap<>(); // by index: what was set, if anything
    int step = 0;
    for (int name : names) {
      Key k = new Key(name, hashOf(name, spread));
      Integer known = model.get(name);
      assertThat(index.indexOf(new Key(name, k.hash()))).isEqualTo(known == null ? -1 : known);
      int a = index.add(k); // an author already numbered keeps its entry
      if (known == null) {
        model.put(name, a);
        order.add(name);
      }
      assertThat(a).isEqualTo(model.get(name));
      switch (step++ % 4) {
        case 0 -> { // its entry wrapped (or wrapped again)
          Wrapped w = new Wrapped(new Key(name, k.hash()), step);
          index.setEntry(a, w);
          entries.put(a, w);
        }
        case 1 -> { // back to the author itself
          index.setEntry(a, k);
          entries.put(a, k);
        }
        case 2 -> { // another author's entry is refused, and changes nothing
          Key other = new Key(name + 1, k.hash());
          Object before = index.entry(a);
          assertThatThrownBy(() -> index.setEntry(a, new Wrapped(other, 0)))
              .isInstanceOf(IllegalArgumentException.class);
          assertThatThrownBy(() -> index.setEntry(a, other))
              .isInstanceOf(IllegalArgumentException.class);
          assertThat(index.entry(a)).isSameAs(before);
        }
        default -> {}
      }
    }
    for (int a = 0; a < order.size(); a++) {
      assertThat(index.author(a).name()).isEqualTo(order.get(a));
      assertThat(index.indexOf(new Key(order.get(a), hashOf(order.get(a), spread)))).isEqualTo(a);
      if (entries.containsKey(a)) {
        assertThat(index.entry(a)).isSameAs(entries.get(a));
      } else {
        assertThat(index.entry(a)).isEqualTo(new Key(order.get(a), 0));
      }
    }
    int size = index.size();
    assertThatThrownBy(() -> index.entry(size)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> index.entry(-1)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> index.setEntry(size, new Key(-5, 0)))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Property(tries = 20)
  void anIndexWithoutKeyOfTakesOnlyTheAuthorItselfAsAnEntry(@ForAll int hash) {
    AuthorIndex<Key> index = new AuthorIndex<>();
    Key k = new Key(1, hash);
    index.add(k);
    Key same = new Key(1, hash);
    index.setEntry(0, same);
    assertThat(index.entry(0)).isSameAs(same);
    assertThatThrownBy(() -> index.setEntry(0, new Key(2, hash)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> index.setEntry(0, null)).isInstanceOf(IllegalArgumentException.class);
    assertThat(index.indexOf(new Key(1, hash))).isZero();
  }

  @Property(tries = 6)
  void aCharTableAtItsFullestAndItsWideningFindEveryAuthor(@ForAll("spreads") int spread) {
    // 49,152 authors fill 65,536 char slots to 3/4 (the index + 1 takes all 16 bits: no hash bits
    // kept, every probe reads the author); the next one moves to an int table
    AuthorIndex<Key> index = new AuthorIndex<>();
    int last = 3 * AuthorIndex.NARROW_SLOTS / 4;
    int end = 66_000; // and past an index + 1 a char could hold
    for (int n = 0; n <= end; n++) {
      assertThat(index.add(new Key(n, hashOf(n, spread) ^ (n << 17)))).isEqualTo(n);
      if (n == last - 1 || n == last || n == end) { // narrow at its fullest, then wide
        for (int k = 0; k <= n; k += 1 + (k % 7)) {
          assertThat(index.indexOf(new Key(k, hashOf(k, spread) ^ (k << 17)))).isEqualTo(k);
        }
        assertThat(index.indexOf(new Key(-1, hashOf(-1, spread)))).isEqualTo(-1);
        assertThat(index.indexOf(new Key(n + 1, hashOf(n + 1, spread) ^ ((n + 1) << 17))))
            .isEqualTo(-1);
      }
    }
    assertThat(index.size()).isEqualTo(end + 1);
    int again = hashOf(last, spread) ^ (last << 17);
    assertThat(index.add(new Key(last, again))).isEqualTo(last);
    assertThat(index.size()).isEqualTo(end + 1);
  }
}
