package meshchat.peer.display;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.peer.nick.NickBook;
import org.junit.jupiter.api.Test;

/**
 * rev30 FINDING-5. What is wrong: {@code Names.drawsSyntax} quotes a nick holding the line's own
 * syntax (the colon after a nick, the middle dot before a fingerprint) or a look-alike of it, but
 * finds look-alikes only through Unicode TR39 skeletons, and TR39's table leaves out characters
 * every monospace font draws as exactly those marks: U+2E33 RAISED DOT (⸳, a middle dot), U+2982 Z
 * NOTATION TYPE COLON (⦂), U+1804 MONGOLIAN COLON (᠄) and U+FE30 PRESENTATION FORM FOR VERTICAL TWO
 * DOT LEADER (︰, a colon in a horizontal line). Each passes {@code Visible} and is drawn bare, so
 * rev29 F11's spoof and rev28's are back: mallory's third key with the nick {@code bob⸳3f2a} draws
 * {@code 12:03 bob⸳3f2a: the new IBAN is X}, bob's own label once his nick is shared, and {@code
 * alice⦂ meeting moved. Reason} draws as alice's line (rev29 fixed the same gap for the dotted i
 * and U+2800: "TR39-missed look-alikes").
 *
 * <p>Correct behaviour: such nicks are shown quoted like {@code "bob·3f2a"}: the look-alike check
 * also catches these dot and colon shapes (e.g. a small table of the Po/Sm characters drawn as a
 * colon or a centred dot, or quoting any nick with a non-letter, non-digit punctuation mark beside
 * the ASCII ones).
 */
class SyntaxLookalikeNickTest {
  private static final long WALL = Instant.parse("2026-12-06T12:03:00Z").toEpochMilli();
  private static final PeerId BOB = PeerId.fromHex("3f2a9c1e000000000000000000000001");
  private static final PeerId MALLORY_2 = PeerId.fromHex("7c01aa00000000000000000000000002");
  private static final PeerId MALLORY_3 = PeerId.fromHex("5e5e0000000000000000000000000003");

  @Test
  void dotAndColonLookalikesOutsideTr39AreQuotedToo() {
    NickBook book = new NickBook(() -> {});
    ChatView view =
        new ChatView(
            line -> {}, false, "lobby", 0, book, InstantSource.fixed(Instant.ofEpochMilli(WALL)));
    view.line(msg(BOB, 1, "bob", "hi all"), false, null, false); // bob's key is pinned to "bob"
    view.line(msg(MALLORY_2, 1, "bob", "me too"), false, null, false); // now "bob" has two keys
    assertThat(Visible.of(view.line(msg(BOB, 2, "bob", "the new IBAN is X"), false, null, false)))
        .isEqualTo("12:03 bob·3f2a: the new IBAN is X");
    long seq = 2;
    List<String> bare = new ArrayList<>();
    for (String dot : List.of("\u2E33", "\u2981", "\u1365", "\u02D1", "\u0701", "\u2058")) {
      String shown =
          Visible.of(
              view.line(
                  msg(MALLORY_3, seq++, "bob" + dot + "3f2a", "the new IBAN is X"),
                  false,
                  null,
                  false));
      if (!shown.startsWith("12:03 \"bob")) {
        bare.add(shown);
      }
    }
    for (String colon : List.of("\u2982", "\u1804", "\uFE30", "\u22EE", "\uD834\uDD08")) {
      String nick = "alice" + colon + " meeting moved. Reason";
      String shown =
          Visible.of(view.line(msg(MALLORY_3, seq++, nick, "fire drill"), false, null, false));
      if (!shown.startsWith("12:03 \"alice")) {
        bare.add(shown);
      }
    }
    assertThat(bare).as("lines whose look-alike nick is drawn bare, not quoted").isEmpty();
  }

  @Test
  void namesInOtherScriptsAndWithEmojiStillDrawBare() {
    for (String nick :
        List.of("zoë", "Ærøskøbing", "Дмитрий", "アリス", "李小龙", "नमस्ते", "alice 🌸")) {
      assertThat(Names.drawsSyntax(nick)).as(nick).isFalse();
    }
  }

  private static ChatMessage msg(PeerId origin, long seq, String nick, String text) {
    return new ChatMessage(new MessageId(origin, seq), seq, WALL, nick, text, List.of());
  }
}
