package meshchat.peer.sync;

import static org.assertj.core.api.Assertions.assertThat;

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
}
