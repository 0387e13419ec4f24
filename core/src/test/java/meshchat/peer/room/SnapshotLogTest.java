package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * The snapshot log against a list of (author, version) in the order added, across compactions,
 * growth, authors numbered in any order and versions that jump past the int's range.
 */
class SnapshotLogTest {
  /**
   * The model: entries in the order added, a cleared one removed; versions as the log keeps them.
   */
  private static final class Model {
    final List<long[]> entries = new ArrayList<>(); // {author, version}
    long base;

    void add(int author, long version) {
      clear(author);
      if (version - base > Integer.MAX_VALUE) {
        base = version - Integer.MAX_VALUE / 2;
        for (long[] e : entries) {
          e[1] = Math.max(e[1], base); // older than the base: counts as taken at it
        }
      }
      entries.add(new long[] {author, version});
    }

    void clear(int author) {
      entries.removeIf(e -> e[0] == author);
    }

    int[] after(long version) {
      return entries.stream().filter(e -> e[1] > version).mapToInt(e -> (int) e[0]).toArray();
    }

    long versionOf(int author) {
      return entries.stream()
          .filter(e -> e[0] == author)
          .mapToLong(e -> e[1])
          .findFirst()
          .orElse(-1);
    }
  }

  private static void agree(SnapshotLog log, Model model, long version, int authors) {
    assertThat(log.after(version)).as("after %d", version).containsExactly(model.after(version));
    for (int a = 0; a < authors; a += 1 + authors / 40) { // 40 of them: the model is a list
      assertThat(log.versionOf(a)).as("author %d", a).isEqualTo(model.versionOf(a));
    }
    assertThat(log.versionOf(authors - 1)).isEqualTo(model.versionOf(authors - 1));
  }

  @Property(tries = 100)
  void answersAsTheListOfEntriesInTheOrderAdded(@ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int authors = 1 + r.nextInt(r.nextBoolean() ? 10 : 400);
    boolean jumps = r.nextInt(3) == 0;
    SnapshotLog log = new SnapshotLog();
    Model model = new Model();
    long version = 0;
    List<Long> told = new ArrayList<>(List.of(0L, -1L, Long.MIN_VALUE, Long.MAX_VALUE));
    for (int link = 0; link < 8; link++) {
      told.add(0L);
    }
    for (int step = 0; step < 1_500; step++) {
      int a = r.nextBoolean() ? authors - 1 - step % authors : r.nextInt(authors); // some backwards
      switch (r.nextInt(8)) {
        case 0 -> {
          log.clear(a);
          model.clear(a);
        }
        case 1 -> told.set(4 + r.nextInt(8), version); // a link told now (8 links)
        default -> {
          version += jumps && r.nextInt(50) == 0 ? (1L << 31) + r.nextInt(3) : 1;
          log.add(a, version);
          model.add(a, version);
        }
      }
      if (step % 100 == 0) {
        for (long t : told) {
          agree(log, model, t, authors + 1);
        }
        agree(log, model, version - 1, authors + 1);
      }
    }
  }

  @Test
  void aLinkToldBeforeAJumpPastTheIntsRangeIsToldEveryEntryAgainNeverMissesOne() {
    SnapshotLog log = new SnapshotLog();
    log.add(5, 1);
    log.add(3, 2);
    long far = 2 + (1L << 32);
    log.add(7, far);
    assertThat(log.after(0)).containsExactly(5, 3, 7);
    assertThat(log.after(1)).containsExactly(5, 3, 7); // 5 counts as newer than it was: told again
    assertThat(log.after(far - 1)).containsExactly(7);
    assertThat(log.after(far)).isEmpty();
    assertThat(log.versionOf(7)).isEqualTo(far);
    assertThat(log.versionOf(5)).isLessThan(far).isGreaterThan(1);
    assertThat(log.versionOf(100_000)).isEqualTo(-1);
    log.clear(100_000); // an author past every array: nothing
    log.add(100_000, far + 1);
    assertThat(log.after(far)).containsExactly(100_000);
  }
}
