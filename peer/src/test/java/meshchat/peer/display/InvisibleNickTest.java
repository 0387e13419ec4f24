package meshchat.peer.display;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import meshchat.peer.message.PeerId;
import meshchat.peer.nick.NickBook;
import org.junit.jupiter.api.Test;

/**
 * docs/security.md, "Nicks": rev27 found that a stranger's nick made of the real nick plus a
 * default-ignorable mark (drawn as nothing: COMBINING GRAPHEME JOINER, variation selectors, Khmer
 * inherent vowels, Mongolian free variation selectors) is another nick for the NickBook (NFKC keeps
 * them), so it is trusted on first use, shown with no fingerprint, no "(unknown key)" and no
 * warning, and Visible passes the mark (category Mn, not Cf): the line read exactly "alice: ..."
 * beside the real alice's. Now such a nick is alice's nick for the book (marked as another key's),
 * and the marks are escaped.
 */
class InvisibleNickTest {
  private static final int[] INVISIBLE = {
    0x034F, 0xFE00, 0xFE0E, 0x17B4, 0x17B5, 0x180B, 0x180F, 0xE0100, 0xE01EF
  };

  @Test
  void aNickThatDrawsAsAnotherIsMarked() {
    SplittableRandom random = new SplittableRandom(27);
    PeerId alice = PeerId.random(random);
    List<String> spoofed = new ArrayList<>();
    for (int mark : INVISIBLE) {
      NickBook book = new NickBook(() -> {});
      NickBook.Label real = book.see(alice, "alice", 1);
      PeerId mallory = PeerId.random(random);
      String nick = "alice" + new String(Character.toChars(mark));
      NickBook.Label fake = book.see(mallory, nick, 2);
      String realShown = Visible.of(Names.text(real));
      String fakeShown = Visible.of(Names.text(fake));
      // what a terminal draws: the marks above have no glyph and no width
      String fakeDrawn = fakeShown.replace(new String(Character.toChars(mark)), "");
      if (fakeDrawn.equals(realShown) && !fake.firstWarning()) {
        spoofed.add(String.format("U+%04X", mark));
      }
    }
    assertThat(spoofed).as("marks that make a stranger's nick draw as alice, unmarked").isEmpty();
  }

  @Test
  void theMarksAreEscapedAndAnEmojisOwnSelectorStays() {
    assertThat(Visible.of("alice\u034F")).isEqualTo("alice<U+034F>");
    assertThat(Visible.of("a\uFE00b")).isEqualTo("a<U+FE00>b");
    assertThat(Visible.of("\u2764\uFE0F")).isEqualTo("\u2764\uFE0F"); // a red heart
    assertThat(Visible.of("1\uFE0F\u20E3")).isEqualTo("1\uFE0F\u20E3"); // a keycap
    assertThat(Visible.of("x\u180F")).isEqualTo("x<U+180F>");
    assertThat(Visible.of("x\u0378")).isEqualTo("x<U+0378>"); // unassigned
    assertThat(NickBook.key("Alice\u034F")).isEqualTo(NickBook.key("alice"));
    assertThat(NickBook.key("ali\uFE0Fce")).isEqualTo("alice");
  }
}
