package meshchat.peer.nick;

import static org.assertj.core.api.Assertions.assertThat;

import meshchat.peer.message.PeerId;
import meshchat.peer.nick.NickBook.Label;
import org.junit.jupiter.api.Test;

/**
 * rev29 F2: a nick new to the book that only looks like one it holds is a claim on that nick
 * (docs/security.md; TR39 skeletons). The skeleton leaves combining marks and blank symbols alone,
 * so nicks a terminal draws exactly as {@code alice} pass as nicks of their own: trusted on first
 * use, shown with no fingerprint, no warning. A dotless i (U+0131) with a combining dot above
 * (U+0307) is drawn as an i; an i with a dot above is drawn as an i in terminal fonts (the mark
 * sits on the i's own dot); the braille blank (U+2800, a symbol, not whitespace) is drawn as a
 * space.
 */
class Rev29F2LookalikeMarksNickTest {
  private static final PeerId ALICE = PeerId.fromHex("3f2a9c1e000000000000000000000001");
  private static final PeerId MALLORY = PeerId.fromHex("7c01aa00000000000000000000000002");

  private static void spoofed(String real, String fake) {
    NickBook b = new NickBook(() -> {});
    b.see(ALICE, real, 1);
    Label l = b.see(MALLORY, fake, 2);
    assertThat(l.trusted()).as("%s against %s", escaped(fake), real).isFalse();
    assertThat(l.firstWarning()).as("%s warned", escaped(fake)).isTrue();
    assertThat(l.fingerprint()).as("%s shows its fingerprint", escaped(fake)).isEqualTo("7c01");
  }

  @Test
  void aDotlessIWithACombiningDotAboveIsAnI() {
    spoofed("alice", "al\u0131\u0307ce");
    spoofed("jim", "\u0237\u0307im"); // dotless j with a dot above
  }

  @Test
  void anIWithACombiningDotAboveIsAnI() {
    spoofed("alice", "ali\u0307ce");
  }

  @Test
  void aTrailingBrailleBlankIsNoNickOfItsOwn() {
    spoofed("alice", "alice\u2800");
    spoofed("alice", "\u2800alice");
  }

  private static String escaped(String s) {
    StringBuilder sb = new StringBuilder();
    s.codePoints()
        .forEach(
            cp -> sb.append(cp < 0x7F ? Character.toString(cp) : String.format("<U+%04X>", cp)));
    return sb.toString();
  }
}
