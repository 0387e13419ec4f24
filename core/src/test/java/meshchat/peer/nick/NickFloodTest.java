package meshchat.peer.nick;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import meshchat.peer.message.PeerId;
import org.junit.jupiter.api.Test;

/**
 * docs/security.md, "Nicks": rev27 found trust on first use undone by a flood of nicks. One key's
 * signed lines, each with a new nick, pushed the pin of a member not seen lately out of the book
 * (10,000 nicks, least recently seen first); that key then took the nick and was shown bare and
 * trusted. A key now holds at most {@link NickBook#MAX_FIRST_PER_KEY} nicks by first use, and past
 * it forgets its own oldest. Keys cost nothing, though (rev29): 10,000 throwaway keys, one nick
 * each, did the same; a full book now forgets the nick it learned last (or one not seen for 30
 * days), so a flood only churns itself.
 */
class NickFloodTest {
  private final SplittableRandom random = new SplittableRandom(27);
  private final PeerId alice = PeerId.random(random);
  private final PeerId mallory = PeerId.random(random);
  private final SplittableRandom keys = new SplittableRandom(29);

  @Test
  void aFloodOfNicksCannotUnpinAnotherKeysNick() {
    NickBook book = new NickBook(() -> {});
    book.see(alice, "alice", 1);
    long t = 2;
    for (int i = 0; i < NickBook.MAX_NICKS + 5; i++) {
      book.see(mallory, "m" + i, t++);
    }
    NickBook.Label l = book.see(mallory, "alice", t);
    assertThat(l.trusted()).isFalse();
    assertThat(l.fingerprint()).isNotNull();
    assertThat(l.firstWarning()).isTrue();
    assertThat(book.size()).isLessThanOrEqualTo(1 + NickBook.MAX_FIRST_PER_KEY);
  }

  @Test
  void aKeysOwnNicksAreKeptUpToTheBoundItsOldestForgottenPastIt() {
    NickBook book = new NickBook(() -> {});
    for (int i = 0; i < NickBook.MAX_FIRST_PER_KEY + 1; i++) {
      book.see(mallory, "n" + i, i);
    }
    assertThat(book.whois("n0")).isEmpty(); // its oldest went
    for (int i = 1; i <= NickBook.MAX_FIRST_PER_KEY; i++) {
      assertThat(book.see(mallory, "n" + i, 100).trusted()).as("n%d", i).isTrue();
    }
    // a nick another key holds too keeps that key's pin when this key's goes
    NickBook shared = new NickBook(() -> {});
    shared.restore(
        java.util.List.of("bob " + alice.hex() + " first 1", "bob " + mallory.hex() + " first 1"));
    for (int i = 0; i < NickBook.MAX_FIRST_PER_KEY; i++) {
      shared.see(mallory, "x" + i, 10 + i);
    }
    assertThat(shared.see(alice, "bob", 50).trusted()).isTrue();
    assertThat(shared.see(mallory, "bob", 51).trusted()).isFalse();
  }

  @Test
  void aRestoredBookHoldsTheBoundToo() {
    NickBook book = new NickBook(() -> {});
    java.util.List<String> lines = new java.util.ArrayList<>();
    for (int i = 0; i < 3 * NickBook.MAX_FIRST_PER_KEY; i++) {
      lines.add("m" + i + " " + mallory.hex() + " first " + i);
    }
    lines.add("alice " + alice.hex() + " first 1");
    assertThat(book.restore(lines)).isZero();
    assertThat(book.size()).isEqualTo(NickBook.MAX_FIRST_PER_KEY + 1);
    assertThat(book.see(alice, "alice", 99).trusted()).isTrue();
  }

  @Test
  void aFloodOfNicksFromManyThrowawayKeysCannotUnpinAnotherKeysNick() {
    NickBook book = new NickBook(() -> {});
    book.see(alice, "alice", 1);
    long t = 2;
    for (int i = 0; i < NickBook.MAX_NICKS; i++) {
      book.see(PeerId.random(keys), "m" + i, t++);
    }
    NickBook.Label l = book.see(mallory, "alice", t);
    assertThat(l.trusted()).as("mallory's key under alice's nick").isFalse();
    assertThat(l.fingerprint()).isNotNull();
    assertThat(l.firstWarning()).isTrue();
  }

  @Test
  void sixteenNicksEachFrom625KeysCannotEither() {
    NickBook book = new NickBook(() -> {});
    book.see(alice, "alice", 1);
    long t = 2;
    for (int k = 0; k < NickBook.MAX_NICKS / NickBook.MAX_FIRST_PER_KEY; k++) {
      PeerId key = PeerId.random(keys);
      for (int i = 0; i < NickBook.MAX_FIRST_PER_KEY; i++) {
        book.see(key, "k" + k + "n" + i, t++);
      }
    }
    assertThat(book.see(mallory, "alice", t).trusted()).isFalse();
  }

  @Test
  void aFloodRightAfterARestartCannotUnpinAnOldPinEither() {
    long day = 24L * 60 * 60 * 1000;
    NickBook before = new NickBook(() -> {});
    before.see(alice, "alice", 0); // pinned long ago; the file keeps no last-seen time
    NickBook book = new NickBook(() -> {});
    book.restore(before.lines());
    long t = 60 * day;
    for (int i = 0; i < NickBook.MAX_NICKS + 5; i++) {
      book.see(PeerId.random(keys), "m" + i, t++);
    }
    assertThat(book.see(mallory, "alice", t).trusted()).isFalse();
    assertThat(book.see(alice, "alice", t).trusted()).isTrue();
  }
}
