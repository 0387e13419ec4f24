package meshchat.peer.nick;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import meshchat.peer.message.PeerId;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * The journal a book hands its file (session 29: known-nicks is appended to, not rewritten whole
 * for each new nick): a snapshot's lines followed by the journal lines made since restore exactly
 * the book that made them.
 */
class NickBookJournalTest {
  /** One change: a key seen using a nick, or a /trust of a nick. */
  record Op(boolean trust, int key, String nick, long at) {}

  @Provide
  Arbitrary<List<Op>> ops() {
    Arbitrary<Op> op =
        Combinators.combine(
                Arbitraries.integers().between(0, 9).map(i -> i == 0),
                Arbitraries.integers().between(1, 5), // few keys: each pins past its 16
                Arbitraries.strings().withChars("abAB\u0430l1").ofMinLength(1).ofMaxLength(3),
                Arbitraries.longs().between(0, Long.MAX_VALUE))
            .as(Op::new);
    return op.list().ofMaxSize(400);
  }

  @Property(tries = 200)
  void aSnapshotThenItsJournalRestoreTheBook(
      @ForAll("ops") List<Op> before, @ForAll("ops") @Size(max = 400) List<Op> after) {
    List<String> journal = new ArrayList<>();
    NickBook live = new NickBook(journal::addAll);
    before.forEach(o -> apply(live, o));
    List<String> snapshot = live.lines();
    journal.clear();
    after.forEach(o -> apply(live, o));

    List<String> file = new ArrayList<>(snapshot);
    file.addAll(journal);
    NickBook restored = new NickBook(() -> {});
    assertThat(restored.restore(file)).isZero();
    assertThat(new HashSet<>(restored.lines())).isEqualTo(new HashSet<>(live.lines()));
    // replaying the journal twice changes nothing
    assertThat(restored.restore(journal)).isZero();
    assertThat(new HashSet<>(restored.lines())).isEqualTo(new HashSet<>(live.lines()));
  }

  @Test
  void aKeyCyclingNicksJournalsTwoLinesANickWhateverTheBookHolds() {
    List<String> journal = new ArrayList<>();
    NickBook book = new NickBook(journal::addAll);
    for (int i = 0; i < 5_000; i++) {
      book.see(key(1_000 + i), "member" + i, i);
    }
    journal.clear();
    for (int i = 0; i < 100; i++) {
      int before = journal.size();
      book.see(key(1), "cycle" + i, 10_000 + i);
      // the nick's pin, and past 16 nicks the key's own oldest forgotten
      assertThat(journal.size() - before).isEqualTo(i < NickBook.MAX_FIRST_PER_KEY ? 1 : 2);
    }
    assertThat(journal.get(journal.size() - 2)).startsWith(NickBook.FORGET + " cycle83 ");
    assertThat(journal.get(journal.size() - 1)).startsWith("cycle99 ");
  }

  private static void apply(NickBook b, Op o) {
    if (o.trust()) {
      b.trust(o.nick(), "", o.at());
    } else {
      b.see(key(o.key()), o.nick(), o.at());
    }
  }

  private static PeerId key(int i) {
    return PeerId.fromHex(String.format("%032x", i));
  }
}
