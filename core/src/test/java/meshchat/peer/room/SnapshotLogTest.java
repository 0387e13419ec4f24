package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * The snapshot log against a list of (author, stamp) in the order added, across compactions (which
 * renumber the versions links were told up to), growth and authors numbered in any order: each link
 * is told the entries added after it was last told, no more, no fewer, whatever the renumbering.
 */
class SnapshotLogTest {
  /** The model: entries in the order added, each with a stamp never renumbered; cleared removed. */
  private static final class Model {
    final List<long[]> entries = new ArrayList<>(); // {author, stamp}
    long stamp;

    void add(int author) {
      clear(author);
      entries.add(new long[] {author, ++stamp});
    }

    void clear(int author) {
      entries.removeIf(e -> e[0] == author);
    }

    int[] after(long told) {
      return entries.stream().filter(e -> e[1] > told).mapToInt(e -> (int) e[0]).toArray();
    }

    long stampOf(int author) {
      return entries.stream()
          .filter(e -> e[0] == author)
          .mapToLong(e -> e[1])
          .findFirst()
          .orElse(-1);
    }
  }

  /** Links' told versions, as the log's owner keeps them: renumbered at each compaction. */
  private static final class Links {
    final long[] told; // the log's versions
    final long[] toldStamp; // the model's
    int compactions;

    Links(int n) {
      told = new long[n];
      toldStamp = new long[n];
    }
  }

  private static void agree(SnapshotLog log, Model model, Links links, int authors) {
    agree(log, model, links, 0, authors);
  }

  private static void agree(SnapshotLog log, Model model, Links links, int base, int authors) {
    for (int l = 0; l < links.told.length; l++) {
      assertThat(log.after(links.told[l]))
          .as("link %d told %d (stamp %d)", l, links.told[l], links.toldStamp[l])
          .containsExactly(model.after(links.toldStamp[l]));
      for (int a = base; a < base + authors; a += 1 + authors / 40) { // 40: the model is a list
        long stamp = model.stampOf(a);
        assertThat(log.versionOf(a) > links.told[l])
            .as("author %d newer than link %d's told", a, l)
            .isEqualTo(stamp > links.toldStamp[l]);
        assertThat(log.versionOf(a) == -1).isEqualTo(stamp == -1);
      }
    }
  }

  @Property(tries = 150)
  void tellsEachLinkTheEntriesAddedSinceItWasToldThroughEveryRenumbering(@ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int authors = 1 + r.nextInt(r.nextBoolean() ? 10 : 400);
    // a quarter of the runs number authors across 65,535, where the log's chars widen to ints
    int base = r.nextInt(4) == 0 ? 65_535 - authors / 2 : 0;
    Links links = new Links(8);
    SnapshotLog log =
        new SnapshotLog(
            renumber -> {
              links.compactions++;
              for (int l = 0; l < links.told.length; l++) {
                links.told[l] = renumber.applyAsLong(links.told[l]);
              }
            });
    Model model = new Model();
    // two links never told anything, one told past everything (a value no version reaches)
    links.told[7] = Long.MAX_VALUE;
    links.toldStamp[7] = Long.MAX_VALUE;
    for (int step = 0; step < 2_000; step++) {
      int a = base + (r.nextBoolean() ? authors - 1 - step % authors : r.nextInt(authors));
      switch (r.nextInt(8)) {
        case 0 -> {
          log.clear(a);
          model.clear(a);
        }
        case 1 -> { // a link told now
          int l = 2 + r.nextInt(5);
          links.told[l] = log.latest();
          links.toldStamp[l] = model.stamp;
        }
        default -> {
          long v = log.add(a);
          model.add(a);
          assertThat(v).isEqualTo(log.latest()).isEqualTo(log.versionOf(a));
        }
      }
      if (step % 50 == 0) {
        agree(log, model, links, base, authors + 1);
      }
    }
    agree(log, model, links, base, authors + 1);
    assertThat(log.after(-1)).containsExactly(model.after(-1));
    assertThat(log.after(Long.MIN_VALUE)).containsExactly(model.after(-1));
    assertThat(log.after(log.latest())).isEmpty();
  }

  @Test
  void aCompactionRenumbersWhatLinksWereToldAndTheyAreToldTheSame() {
    List<Long> told = new ArrayList<>(List.of(0L, 0L, 0L, 0L));
    SnapshotLog log =
        new SnapshotLog(
            renumber -> {
              for (int i = 0; i < told.size(); i++) {
                told.set(i, renumber.applyAsLong(told.get(i)));
              }
            });
    for (int a = 0; a < 16; a++) {
      log.add(a); // fills the first 16 places
    }
    told.set(1, log.versionOf(3)); // told up to author 3
    told.set(2, log.latest()); // told everything
    told.set(3, log.versionOf(9));
    for (int a = 0; a < 8; a++) {
      log.clear(2 * a); // every even author's entry cleared
    }
    assertThat(log.after(told.get(1))).containsExactly(5, 7, 9, 11, 13, 15);
    log.add(100); // full: compacts to the 8 odd authors, renumbering every link's told
    assertThat(told.get(0)).isZero();
    assertThat(log.after(told.get(0))).containsExactly(1, 3, 5, 7, 9, 11, 13, 15, 100);
    assertThat(log.after(told.get(1))).containsExactly(5, 7, 9, 11, 13, 15, 100);
    assertThat(log.after(told.get(2))).containsExactly(100);
    assertThat(log.after(told.get(3))).containsExactly(11, 13, 15, 100);
    assertThat(log.versionOf(100)).isEqualTo(9).isEqualTo(log.latest());
    assertThat(log.versionOf(2)).isEqualTo(-1);
    assertThat(log.versionOf(-1)).isEqualTo(-1);
    assertThat(log.versionOf(1_000_000)).isEqualTo(-1);
    log.clear(1_000_000); // an author past every array: nothing
    log.clear(-1);
    log.add(100_000);
    assertThat(log.after(told.get(2))).containsExactly(100, 100_000);
  }

  @Test
  void versionsPast65535AreKeptWhole() {
    long[] told = {0};
    SnapshotLog log = new SnapshotLog(renumber -> told[0] = renumber.applyAsLong(told[0]));
    for (int a = 0; a < 70_000; a++) {
      log.add(a); // no entry cleared: the log grows, versions reach 70,000
      if (a == 65_533) {
        told[0] = log.latest(); // 65,534
      }
    }
    assertThat(log.latest()).isEqualTo(70_000);
    assertThat(log.versionOf(69_999)).isEqualTo(70_000);
    assertThat(log.versionOf(65_535)).isEqualTo(65_536);
    assertThat(log.after(told[0])).hasSize(70_000 - 65_534).startsWith(65_534, 65_535, 65_536);
    log.clear(0);
    log.add(1_000_000); // an index past the chars, after a compaction may have renumbered
    assertThat(log.versionOf(1_000_000)).isEqualTo(log.latest());
    assertThat(log.after(told[0])).endsWith(69_999, 1_000_000);
  }
}
