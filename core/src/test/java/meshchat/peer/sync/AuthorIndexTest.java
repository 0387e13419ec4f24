package meshchat.peer.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import meshchat.peer.message.PeerId;
import org.junit.jupiter.api.Test;

/** The author numbering against a map of the numbers given, through many table growths. */
class AuthorIndexTest {
  @Test
  void numbersEachAuthorOnceInFirstSightOrderAndFindsItByValue() {
    SplittableRandom random = new SplittableRandom(3);
    AuthorIndex<PeerId> index = new AuthorIndex<>();
    Map<PeerId, Integer> given = new HashMap<>();
    List<PeerId> order = new ArrayList<>();
    for (int n = 0; n < 20_000; n++) {
      PeerId author =
          n % 3 == 0 && !order.isEmpty()
              ? order.get(random.nextInt(order.size())) // seen before
              : PeerId.random(random);
      int a = index.add(author);
      Integer before = given.putIfAbsent(author, a);
      if (before == null) {
        assertThat(a).isEqualTo(order.size()); // the next number
        order.add(author);
      } else {
        assertThat(a).isEqualTo(before);
      }
    }
    assertThat(index.size()).isEqualTo(order.size());
    for (int a = 0; a < order.size(); a++) {
      PeerId author = order.get(a);
      assertThat(index.author(a)).isSameAs(author);
      // an equal id of another instance, as a decoded message names it
      assertThat(index.indexOf(PeerId.of(author.toBytes()))).isEqualTo(a);
    }
    assertThat(index.indexOf(PeerId.random(random))).isEqualTo(-1);
  }

  @Test
  void authorsWithTheSameHashAreToldApart() {
    // "Aa" and "BB" hash alike in Arrays.hashCode: the probe must compare the ids, not the hashes
    PeerId aa = PeerId.of(new byte[] {'A', 'a'});
    PeerId bb = PeerId.of(new byte[] {'B', 'B'});
    assertThat(aa.hashCode()).isEqualTo(bb.hashCode());
    AuthorIndex<PeerId> index = new AuthorIndex<>();
    assertThat(index.add(aa)).isZero();
    assertThat(index.indexOf(bb)).isEqualTo(-1);
    assertThat(index.add(bb)).isEqualTo(1);
    assertThat(index.indexOf(aa)).isZero();
    assertThat(index.indexOf(bb)).isEqualTo(1);
  }

  /**
   * The index remembers the author it last found (session 23): asked for that author, for another
   * of its hash, for an equal id of another instance, and across growth, in random turns, each
   * answer is still the author's own index.
   */
  @Test
  void theLastAuthorRememberedNeverAnswersForAnother() {
    SplittableRandom random = new SplittableRandom(23);
    PeerId aa = PeerId.of(new byte[] {'A', 'a'});
    PeerId bb = PeerId.of(new byte[] {'B', 'B'}); // the same hashCode as aa
    List<PeerId> authors = new ArrayList<>(List.of(aa, bb));
    for (int i = 0; i < 200; i++) {
      authors.add(PeerId.random(random));
    }
    AuthorIndex<PeerId> index = new AuthorIndex<>();
    Map<PeerId, Integer> model = new HashMap<>();
    for (int step = 0; step < 5_000; step++) {
      PeerId a = authors.get(random.nextInt(Math.min(authors.size(), 2 + step / 10)));
      PeerId asked = random.nextBoolean() ? a : PeerId.fromHex(a.hex()); // another instance
      if (random.nextInt(3) == 0) {
        int n = index.add(asked);
        model.putIfAbsent(a, model.size());
        assertThat(n).isEqualTo(model.get(a));
      } else {
        assertThat(index.indexOf(asked)).isEqualTo(model.getOrDefault(a, -1));
      }
    }
  }

  @Test
  void aThousandAuthorsOfOneHashAddedBackwardsAreEachFoundThroughEveryGrowth() {
    // 2^10 ids built of "Aa" and "BB" pairs all share one Arrays.hashCode: the worst a stranger's
    // ids can do to the table is one long probe run, and each must still be found as itself
    List<PeerId> same = new ArrayList<>();
    for (int bits = 0; bits < 1 << 10; bits++) {
      byte[] b = new byte[20];
      for (int k = 0; k < 10; k++) {
        boolean aa = (bits >> k & 1) == 0;
        b[2 * k] = (byte) (aa ? 'A' : 'B');
        b[2 * k + 1] = (byte) (aa ? 'a' : 'B');
      }
      same.add(PeerId.of(b));
    }
    assertThat(same.stream().mapToInt(PeerId::hashCode).distinct().count()).isEqualTo(1);
    AuthorIndex<PeerId> index = new AuthorIndex<>();
    for (int i = same.size() - 1; i >= 0; i--) {
      assertThat(index.add(same.get(i))).isEqualTo(same.size() - 1 - i);
      assertThat(index.indexOf(same.get(same.size() - 1))).isZero();
    }
    for (int i = 0; i < same.size(); i++) {
      assertThat(index.indexOf(PeerId.of(same.get(i).toBytes()))).isEqualTo(same.size() - 1 - i);
    }
    assertThat(index.indexOf(PeerId.of(new byte[] {'A', 'a'}))).isEqualTo(-1);
  }

  /**
   * Ids chosen to share one {@code hashCode} (each byte pair {@code (k, -31k)} adds nothing to it)
   * are placed apart: by their polynomial hash they formed one cluster that every lookup near it
   * walked, the whole table long.
   */
  @Test
  void authorsWithOneHashCodeDoNotMakeOneCluster() {
    AuthorIndex<PeerId> index = new AuthorIndex<>();
    int n = 20_000;
    PeerId first = null;
    for (int v = 0; v < n; v++) {
      byte[] b = new byte[16];
      int x = v;
      for (int pair = 0; pair < 7; pair++, x /= 9) {
        int k = x % 9 - 4; // -4..4: -31k fits a byte
        b[2 * pair] = (byte) k;
        b[2 * pair + 1] = (byte) (-31 * k);
      }
      PeerId id = PeerId.of(b);
      first = first == null ? id : first;
      assertThat(id.hashCode()).isEqualTo(first.hashCode());
      assertThat(index.add(id)).isEqualTo(v);
    }
    assertThat(index.size()).isEqualTo(n);
    // 20,000 in 32,768 slots placed at random: the longest run is a few dozen to a few hundred
    assertThat(index.longestCluster()).isLessThan(1_000);
    assertThat(index.indexOf(PeerId.of(new byte[] {1, 2, 3}))).isEqualTo(-1);
    assertThat(index.indexOf(PeerId.of(first.toBytes()))).isZero();
  }

  /** An entry the index keeps in an author's place (as the in-memory store keeps a message). */
  private record Entry(String author) {}

  @Test
  void aKeyedIndexFindsItsAuthorsThroughEntriesOfEitherKindAndEveryGrowth() {
    // keyOf maps an author to itself and an Entry to its author: the probe asks it only of an
    // entry that is not of the first author's class
    AuthorIndex<String> index =
        new AuthorIndex<>(e -> e instanceof Entry r ? r.author() : (String) e);
    List<String> order = new ArrayList<>();
    for (int n = 0; n < 3_000; n++) {
      String author = "author-" + n;
      assertThat(index.add(author)).isEqualTo(n);
      order.add(author);
      if (n % 3 != 0) {
        index.setEntry(n, new Entry(new String(author))); // an equal author, another instance
      }
      if (n % 9 == 1) {
        index.setEntry(n, author); // and back
      }
    }
    for (int a = 0; a < order.size(); a++) {
      String author = order.get(a);
      assertThat(index.author(a)).isEqualTo(author);
      assertThat(index.entry(a))
          .isInstanceOf(a % 3 != 0 && a % 9 != 1 ? Entry.class : String.class);
      assertThat(index.indexOf(new String(author))).isEqualTo(a);
      assertThat(index.add(new String(author))).isEqualTo(a);
    }
    assertThat(index.indexOf("author-3000")).isEqualTo(-1);
    assertThatThrownBy(() -> index.setEntry(5, new Entry("author-6")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> index.setEntry(5, "author-6"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void anIndexOfItsAuthorsFindsAuthorsOfAnotherClassThanTheFirst() {
    // the first author's class is the one an entry is compared by; the others map to themselves
    AuthorIndex<Object> index = new AuthorIndex<>();
    List<Object> order = new ArrayList<>();
    for (int n = 0; n < 2_000; n++) {
      Object author = n % 2 == 0 ? "author-" + n : (Object) Long.valueOf(1_000_000L + n);
      assertThat(index.add(author)).isEqualTo(n);
      order.add(author);
    }
    for (int a = 0; a < order.size(); a++) {
      Object author = order.get(a);
      Object equal = author instanceof String s ? new String(s) : Long.valueOf((Long) author);
      assertThat(index.indexOf(equal)).isEqualTo(a);
      assertThat(index.author(a)).isSameAs(author);
    }
    assertThat(index.indexOf(Long.valueOf(1_000_000L))).isEqualTo(-1);
    index.setEntry(1, Long.valueOf(1_000_001L));
    assertThatThrownBy(() -> index.setEntry(1, "author-0"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
