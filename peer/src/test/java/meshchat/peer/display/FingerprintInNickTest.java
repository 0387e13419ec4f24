package meshchat.peer.display;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.peer.nick.NickBook;
import org.junit.jupiter.api.Test;

/**
 * docs/security.md, "A line cannot draw as another member's line". rev29 F11: when two keys use one
 * nick, the screen tells them apart by a short fingerprint after a middle dot: bob's lines read
 * {@code 12:03 bob·3f2a: ...}, the other key's {@code 12:03 bob·7c01 (unknown key): ...}. A nick
 * may hold a middle dot, and peer ids are public: mallory makes bob's nick shared (a second key of
 * hers says "bob" once), then writes under a third key with the nick {@code bob·3f2a}, a nick of
 * its own that looks like no held nick, trusted on first use and drawn bare: exactly bob's line.
 */
class FingerprintInNickTest {
  private static final long WALL = Instant.parse("2026-12-06T12:03:00Z").toEpochMilli();
  private static final PeerId BOB = PeerId.fromHex("3f2a9c1e000000000000000000000001");
  private static final PeerId MALLORY_2 = PeerId.fromHex("7c01aa00000000000000000000000002");
  private static final PeerId MALLORY_3 = PeerId.fromHex("5e5e0000000000000000000000000003");

  @Test
  void aNickCannotDrawAsAnotherMembersNickWithItsFingerprint() {
    NickBook book = new NickBook(() -> {});
    ChatView view =
        new ChatView(
            line -> {}, false, "lobby", 0, book, InstantSource.fixed(Instant.ofEpochMilli(WALL)));
    view.line(msg(BOB, 1, "bob", "hi all"), false, null, false); // bob's key is pinned to "bob"
    view.line(msg(MALLORY_2, 1, "bob", "me too"), false, null, false); // now "bob" has two keys
    String real =
        Visible.of(view.line(msg(BOB, 2, "bob", "the new IBAN is X"), false, null, false));
    assertThat(real).isEqualTo("12:03 bob·3f2a: the new IBAN is X");
    String fake =
        Visible.of(
            view.line(msg(MALLORY_3, 1, "bob·3f2a", "the new IBAN is X"), false, null, false));
    assertThat(fake).as("mallory's third key, nick \"bob·3f2a\"").isNotEqualTo(real);
    assertThat(fake).isEqualTo("12:03 \"bob·3f2a\": the new IBAN is X");
    long seq = 2;
    // look-alikes of the middle dot (TR39): a bullet, the dot operator, the katakana middle dot,
    // the Greek ano teleia, and of the colon: the ratio sign, the fullwidth colon; then (rev30)
    // shapes TR39's table leaves out: the raised dot, the Z notation spot, the Ethiopic colon, the
    // modifier half triangular colon, the Syriac supralinear full stop, the four dot punctuation;
    // the Z notation type colon, the Mongolian colon, the vertical two dot leader, the vertical
    // ellipsis, the musical repeat dots
    for (String dot :
        List.of(
            "\u2022", "\u22C5", "\u30FB", "\u0387", "\u2219", "\u2E33", "\u2981", "\u1365",
            "\u02D1", "\u0701", "\u2058")) {
      String nick = "bob" + dot + "3f2a";
      String shown = Visible.of(view.line(msg(MALLORY_3, seq++, nick, "x"), false, null, false));
      assertThat(shown).as(nick).startsWith("12:03 \"bob");
    }
    for (String colon :
        List.of(
            "\u2236", "\uFF1A", "\u02D0", "\u2982", "\u1804", "\uFE30", "\u22EE", "\uD834\uDD08")) {
      String nick = "alice" + colon + " meeting moved. Reason";
      String shown = Visible.of(view.line(msg(MALLORY_3, seq++, nick, "x"), false, null, false));
      assertThat(shown).as(nick).startsWith("12:03 \"alice");
    }
  }

  /** rev30: the wider net for dot and colon shapes still leaves names in every script bare. */
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
