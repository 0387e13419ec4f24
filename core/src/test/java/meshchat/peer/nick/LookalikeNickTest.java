package meshchat.peer.nick;

import static org.assertj.core.api.Assertions.assertThat;

import meshchat.peer.message.PeerId;
import meshchat.peer.nick.NickBook.Label;
import org.junit.jupiter.api.Test;

/**
 * A nick that only looks like one the book holds is a claim on that nick: another key using it is
 * shown with its fingerprint and flagged, as if it had typed the nick itself.
 */
class LookalikeNickTest {
  private static final PeerId ALICE = PeerId.fromHex("3f2a9c1e000000000000000000000001");
  private static final PeerId MALLORY = PeerId.fromHex("7c01aa00000000000000000000000002");
  private final NickBook book = new NickBook(() -> {});

  private void spoofed(String real, String fake) {
    NickBook b = new NickBook(() -> {});
    b.see(ALICE, real, 1);
    Label l = b.see(MALLORY, fake, 2);
    assertThat(l.trusted()).as("%s against %s", fake, real).isFalse();
    assertThat(l.firstWarning()).isTrue();
    assertThat(l.text()).isEqualTo(fake + "·7c01");
    assertThat(b.see(ALICE, real, 3).text()).isEqualTo(real + "·3f2a");
    assertThat(b.size()).as("no nick of its own").isEqualTo(1);
  }

  @Test
  void anotherScriptsLettersThatLookLatinAreTheSameNick() {
    spoofed("alice", "\u0430lice"); // Cyrillic a
    spoofed("alice", "\u0430l\u0456\u0441\u0435"); // all but the l Cyrillic
    spoofed("olga", "\u03bflga"); // Greek omicron
    spoofed(
        "\u0441\u0435\u0440\u0433\u0435\u0439", "ce\u0440\u0433e\u0439"); // Latin c, e in Cyrillic
  }

  @Test
  void lettersAndDigitsThatLookAlikeAreTheSameNick() {
    spoofed("mallory", "rnallory");
    spoofed("bob", "b0b");
    spoofed("alice", "a1ice");
    spoofed("alice", "aIice"); // a capital I, drawn as l in most terminal fonts
    spoofed("Ivan", "lvan");
  }

  @Test
  void aDotOnALettersOwnDotOrABlankSymbolIsNoNickOfItsOwn() {
    // rev29: TR39's skeleton keeps combining marks; a terminal draws these exactly as the nick
    spoofed("alice", "al\u0131\u0307ce"); // dotless i with a combining dot above
    spoofed("jim", "\u0237\u0307im"); // dotless j with a dot above
    spoofed("alice", "ali\u0307ce"); // the dot on the i's own dot
    spoofed("alice", "ali\u0307\u0307ce");
    spoofed("alice", "alice\u2800"); // the braille blank: drawn as a space, not whitespace
    spoofed("alice", "\u2800alice");
  }

  @Test
  void theSameKeyUnderALookalikeSpellingIsStillTrusted() {
    book.see(ALICE, "alice", 1);
    Label l = book.see(ALICE, "\u0430lice", 2);
    assertThat(l.trusted()).isTrue();
    assertThat(l.text()).isEqualTo("\u0430lice");
  }

  @Test
  void whoisAndTrustFindTheNickThroughItsLookalike() {
    book.see(ALICE, "alice", 1);
    book.see(MALLORY, "\u0430lice", 2);
    assertThat(book.whois("\u0430lice"))
        .extracting(NickBook.Key::peer)
        .containsExactly(ALICE, MALLORY);
    assertThat(book.trust("\u0430lice", "", 3).keys()).containsExactly(MALLORY);
    Label l = book.see(MALLORY, "\u0430lice", 4);
    assertThat(l.trusted()).isTrue();
    assertThat(l.text())
        .as("two keys hold it: both show their fingerprint")
        .isEqualTo("\u0430lice·7c01");
  }

  @Test
  void aLookalikeOfANickTheBookForgotIsANickOfItsOwn() {
    book.see(ALICE, "alice", 1);
    assertThat(book.see(MALLORY, "\u0430lice", 2).trusted()).isFalse();
    for (int i = 0; i < NickBook.MAX_FIRST_PER_KEY; i++) {
      book.see(ALICE, plain(i), 3); // alice's own newer nicks push her oldest out
    }
    assertThat(book.whois("alice")).isEmpty();
    Label l = book.see(MALLORY, "\u0430lice", 4);
    assertThat(l.trusted()).isTrue();
    assertThat(l.text()).isEqualTo("\u0430lice");
  }

  @Test
  void nicksThatDoNotLookAlikeStayApart() {
    book.see(ALICE, "alice", 1);
    for (String other :
        new String[] {"alicia", "alice2", "bob", "\u0430\u043b\u0438\u0441\u0430"}) {
      Label l = book.see(MALLORY, other, 2);
      assertThat(l.trusted()).as(other).isTrue();
      assertThat(l.text()).isEqualTo(other);
    }
    assertThat(book.size()).isEqualTo(5);
  }

  /**
   * A nick per number that looks like no other: hex digits as letters no two of which look alike.
   */
  private static String plain(int i) {
    StringBuilder out = new StringBuilder("n");
    for (char c : Integer.toHexString(i).toCharArray()) {
      out.append("abcdefghjkpqstux".charAt(Character.digit(c, 16)));
    }
    return out.toString();
  }

  @Test
  void theLookalikeIndexIsBoundedWithTheBook() {
    for (int i = 0; i < NickBook.MAX_NICKS + 500; i++) {
      PeerId p = PeerId.fromHex(String.format("%032x", 9000 + i / 10));
      book.see(p, plain(i), 1);
    }
    assertThat(book.size()).isEqualTo(NickBook.MAX_NICKS);
    assertThat(book.lookalikeCount()).isBetween(NickBook.MAX_NICKS, 3 * NickBook.MAX_NICKS);
  }

  @Test
  void aKeysOwnForgottenNicksLeaveTheIndex() {
    for (int i = 0; i < 10 * NickBook.MAX_FIRST_PER_KEY; i++) {
      book.see(MALLORY, plain(i), 1);
    }
    assertThat(book.size()).isEqualTo(NickBook.MAX_FIRST_PER_KEY);
    assertThat(book.lookalikeCount()).isLessThanOrEqualTo(3 * NickBook.MAX_FIRST_PER_KEY);
  }
}
