package meshchat.peer.nick;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import meshchat.peer.message.PeerId;
import meshchat.peer.nick.NickBook.Label;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

/** Trust on first use for nicks: who is remembered, how lines are labelled, what /trust does. */
class NickBookTest {
  private static final PeerId ALICE = PeerId.fromHex("3f2a9c1e000000000000000000000001");
  private static final PeerId MALLORY = PeerId.fromHex("7c01aa00000000000000000000000002");
  private static final PeerId LOOKALIKE = PeerId.fromHex("3f2a9c1f000000000000000000000003");
  private final AtomicInteger changes = new AtomicInteger();
  private final NickBook book = new NickBook(changes::incrementAndGet);

  @Test
  void theFirstKeySeenForANickIsRememberedAndShownPlain() {
    Label l = book.see(ALICE, "alice", 1_000);
    assertThat(l.text()).isEqualTo("alice");
    assertThat(l.trusted()).isTrue();
    assertThat(l.firstWarning()).isFalse();
    assertThat(changes).hasValue(1);
    book.see(ALICE, "alice", 2_000);
    assertThat(changes).as("nothing new to remember").hasValue(1);
    assertThat(book.lines()).containsExactly("alice " + ALICE.hex() + " first 1000");
  }

  @Test
  void anotherKeyForThatNickIsFlaggedOnEveryLineAndWarnedOnce() {
    book.see(ALICE, "alice", 1_000);
    Label first = book.see(MALLORY, "alice", 2_000);
    Label again = book.see(MALLORY, "alice", 3_000);
    assertThat(first.trusted()).isFalse();
    assertThat(first.firstWarning()).isTrue();
    assertThat(again.trusted()).isFalse();
    assertThat(again.firstWarning()).isFalse();
    assertThat(again.text()).isEqualTo("alice·7c01");
    // alice's own lines now carry her fingerprint too: two keys use the nick
    assertThat(book.see(ALICE, "alice", 4_000).text()).isEqualTo("alice·3f2a");
  }

  @Test
  void caseWidthAndSpacesDoNotMakeANewNick() {
    book.see(ALICE, "alice", 1_000);
    assertThat(book.see(MALLORY, "Alice", 2_000).trusted()).isFalse();
    assertThat(book.see(MALLORY, "ａｌｉｃｅ", 2_000).trusted()).isFalse();
    assertThat(book.see(MALLORY, " alice ", 2_000).trusted()).isFalse();
    assertThat(book.size()).isEqualTo(1);
  }

  @Test
  void theFingerprintGrowsUntilItTellsTheKeysApart() {
    book.see(ALICE, "alice", 1_000);
    Label l = book.see(LOOKALIKE, "alice", 2_000);
    assertThat(l.text()).isEqualTo("alice·3f2a9c1f");
    assertThat(book.see(ALICE, "alice", 3_000).text()).isEqualTo("alice·3f2a9c1e");
  }

  @Test
  void trustAcceptsTheFlaggedKeyAndItsLinesAreNoLongerFlagged() {
    book.see(ALICE, "alice", 1_000);
    book.see(MALLORY, "alice", 2_000);
    NickBook.Trusted t = book.trust("ALICE", "", 3_000);
    assertThat(t.problem()).isNull();
    assertThat(t.keys()).containsExactly(MALLORY);
    Label l = book.see(MALLORY, "alice", 4_000);
    assertThat(l.trusted()).isTrue();
    assertThat(l.text()).as("still two keys for one nick").isEqualTo("alice·7c01");
    assertThat(book.lines()).contains("alice " + MALLORY.hex() + " trusted 3000");
    assertThat(book.trust("alice", "", 5_000).problem()).contains("trusted already");
    assertThat(book.trust("bob", "", 5_000).problem()).contains("no key seen for bob");
  }

  @Test
  void withSeveralFlaggedKeysTrustWantsAFingerprint() {
    book.see(ALICE, "alice", 1_000);
    book.see(MALLORY, "alice", 2_000);
    book.see(LOOKALIKE, "alice", 2_000);
    assertThat(book.trust("alice", "", 3_000).problem()).contains("2 untrusted keys use alice");
    assertThat(book.trust("alice", "ffff", 3_000).problem()).contains("starts with ffff");
    assertThat(book.trust("alice", "7C01", 3_000).keys()).containsExactly(MALLORY);
    assertThat(book.see(LOOKALIKE, "alice", 4_000).trusted()).isFalse();
  }

  @Test
  void peekLabelsWithoutRemembering() {
    assertThat(book.peek(MALLORY, "alice").text()).isEqualTo("alice");
    assertThat(book.size()).isZero();
    book.see(ALICE, "alice", 1_000);
    assertThat(book.peek(MALLORY, "alice").trusted()).isFalse();
    assertThat(book.whois("alice")).extracting(NickBook.Key::peer).containsExactly(ALICE);
  }

  @Test
  void whoisListsTrustedKeysThenOthersSeenThisSession() {
    book.see(ALICE, "alice", 1_000);
    book.see(MALLORY, "alice", 2_000);
    assertThat(book.whois("alice"))
        .containsExactly(
            new NickBook.Key(ALICE, true, false, 1_000, true),
            new NickBook.Key(MALLORY, false, false, -1, true));
  }

  @Test
  void aRestoredBookRemembersWhoCameFirstAndWhatWasTrusted() {
    book.see(ALICE, "alice", 1_000);
    book.see(MALLORY, "alice", 2_000);
    book.trust("alice", "", 3_000);
    book.see(MALLORY, "a nick with spaces\nand a newline", 4_000);
    NickBook next = new NickBook(() -> {});
    assertThat(next.restore(book.lines())).isZero();
    assertThat(next.lines()).isEqualTo(book.lines());
    assertThat(next.see(MALLORY, "alice", 5_000).trusted()).isTrue();
    assertThat(next.see(ALICE, "a nick with spaces\nand a newline", 5_000).trusted()).isFalse();
  }

  @Test
  void linesItCannotReadAreCountedAndSkipped() {
    NickBook next = new NickBook(() -> {});
    int bad =
        next.restore(
            List.of(
                "# a comment",
                "",
                "alice " + ALICE.hex() + " first 1000",
                "bob zz first 1",
                "carol " + ALICE.hex() + " maybe 1",
                "dave " + ALICE.hex() + " first",
                "%zz " + ALICE.hex() + " first 1"));
    assertThat(bad).isEqualTo(4);
    assertThat(next.size()).isEqualTo(1);
  }

  @Test
  void theBookIsBoundedAndAFloodChurnsOnlyItselfNeverAHandTrustedKey() {
    book.see(ALICE, "alice", 1);
    book.see(MALLORY, "alice", 1);
    book.trust("alice", "", 1); // by hand: kept through any flood
    book.see(ALICE, "bob", 1);
    // many keys, each within its own bound of nicks (one key alone forgets its own: NickFloodTest)
    for (int i = 0; i < NickBook.MAX_NICKS + 50; i++) {
      PeerId spammer = PeerId.fromHex(String.format("%032x", 5000 + i / 10));
      book.see(spammer, "spam" + i, 2);
    }
    assertThat(book.size()).isEqualTo(NickBook.MAX_NICKS);
    assertThat(book.whois("alice")).hasSize(2);
    assertThat(book.whois("bob")).as("seen before the flood, kept").hasSize(1);
    assertThat(book.whois("spam0")).as("the flood's first, kept").hasSize(1);
    assertThat(book.whois("spam" + (NickBook.MAX_NICKS - 4))).as("kept").hasSize(1);
    assertThat(book.whois("spam" + (NickBook.MAX_NICKS - 3)))
        .as("the flood past the bound forgets the flood's newest")
        .isEmpty();
    assertThat(book.whois("spam" + (NickBook.MAX_NICKS + 49))).as("the newest").hasSize(1);
  }

  @Test
  void whenFullANickNotSeenForThirtyDaysIsForgottenFirst() {
    long day = 24L * 60 * 60 * 1000;
    book.see(ALICE, "bob", 1); // not seen again
    book.see(ALICE, "alice", 1);
    for (int i = 0; i < NickBook.MAX_NICKS - 2; i++) {
      book.see(PeerId.fromHex(String.format("%032x", 5000 + i / 10)), "n" + i, 29 * day);
    }
    book.see(ALICE, "alice", 29 * day); // seen again within the month
    book.see(MALLORY, "carol", 30 * day + 1); // the book is full: bob has been stale a month
    assertThat(book.whois("bob")).as("not seen for 30 days, forgotten").isEmpty();
    assertThat(book.whois("alice")).hasSize(1);
    assertThat(book.whois("n0")).hasSize(1);
    assertThat(book.whois("carol")).hasSize(1);
    book.see(MALLORY, "dave", 30 * day + 2); // nothing stale now: all seen on day 29
    assertThat(book.whois("carol")).as("the newest goes").isEmpty();
    assertThat(book.whois("dave")).hasSize(1);
    assertThat(book.whois("alice")).hasSize(1);
  }

  @Test
  void aNickUsedByManyKeysRemembersABoundedNumberOfThem() {
    book.see(ALICE, "alice", 1);
    List<PeerId> keys = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      PeerId p = PeerId.fromHex(String.format("%032x", i + 1000));
      keys.add(p);
      assertThat(book.see(p, "alice", 2).trusted()).isFalse();
    }
    assertThat(book.whois("alice")).hasSize(NickBook.MAX_CLAIMANTS);
  }

  @Property
  void anyNickRoundTripsThroughTheFile(
      @ForAll @StringLength(min = 1, max = 40) String nick,
      @ForAll @Size(min = 1, max = 64) byte[] id) {
    NickBook a = new NickBook(() -> {});
    PeerId p = PeerId.of(id);
    a.see(p, nick, 7);
    NickBook b = new NickBook(() -> {});
    assertThat(b.restore(a.lines())).isZero();
    assertThat(b.lines()).isEqualTo(a.lines());
    assertThat(b.see(p, nick, 8).trusted()).isTrue();
  }

  @Test
  void aFingerprintPrefixThatNamesTwoKeysTrustsNeitherAndALongerOneTrustsOne() {
    // rev29: a stranger ground a key sharing the four digits the user checked with alice
    PeerId aliceNew = PeerId.fromHex("7c01b500000000000000000000000002");
    PeerId ground = PeerId.fromHex("7c01a900000000000000000000000003");
    book.see(ALICE, "alice", 1);
    book.see(aliceNew, "alice", 2); // her new device
    book.see(ground, "\u0430lice", 3); // Cyrillic a: a claim on "alice"
    NickBook.Trusted t = book.trust("alice", "7c01", 4);
    assertThat(t.keys()).isEmpty();
    assertThat(t.problem()).contains("2 untrusted keys use alice and start with 7c01");
    assertThat(book.see(ground, "\u0430lice", 5).trusted()).isFalse();
    assertThat(book.trust("alice", "7c01b", 6).keys()).containsExactly(aliceNew);
    assertThat(book.see(ground, "\u0430lice", 7).trusted()).isFalse();
  }
}
