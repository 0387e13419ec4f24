package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import meshchat.peer.limit.WireBounds;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * docs/security.md: a line shown early and then forgotten (never signed) is remembered by a 32-byte
 * fingerprint, not kept: lines of the largest text, shown and forgotten one link after another,
 * hold 32 bytes each, at most {@link EarlyLines#MAX_FORGOTTEN} of them; a signed copy equal to the
 * line shown is still known as shown, and any other version is not.
 */
class EarlyLinesForgottenTest {
  private static final PeerId AUTHOR = PeerId.of(new byte[] {1, 2, 3});

  private static ChatMessage line(long seq, String text) {
    return new ChatMessage(
        new MessageId(AUTHOR, seq),
        seq,
        1_000L,
        "n",
        text,
        List.of(new MessageId(PeerId.of(new byte[] {4}), 9)));
  }

  /** {@code m} shown early on its author's link, then passed over when its head came. */
  private static void showAndForget(EarlyLines lines, ChatMessage m) {
    lines.add(m);
    lines.signed(AUTHOR, m.seq(), id -> false);
  }

  @Example
  void linesOfTheLargestTextForgottenHold32BytesEachAndAtMostTheCap() {
    EarlyLines lines = new EarlyLines();
    String big = "x".repeat(WireBounds.MAX_TEXT_BYTES);
    int n = EarlyLines.MAX_FORGOTTEN + 100;
    for (int seq = 1; seq <= n; seq++) {
      showAndForget(lines, line(seq, big));
      assertThat(lines.forgottenBytes()).isLessThanOrEqualTo(32L * EarlyLines.MAX_FORGOTTEN);
    }
    assertThat(lines.forgottenBytes()).isEqualTo(32L * EarlyLines.MAX_FORGOTTEN);
    assertThat(lines.wasShown(new MessageId(AUTHOR, 1))).as("the oldest went first").isFalse();
    assertThat(lines.wasShown(new MessageId(AUTHOR, n))).isTrue();
  }

  @Property(tries = 50)
  void aForgottenLinesEqualSignedCopyIsKnownAsShownAndAnyOtherVersionIsNot(
      @ForAll @IntRange(min = 0, max = 7) int change, @ForAll String text) {
    ChatMessage shown = line(5, text);
    ChatMessage same = line(5, new String(text.toCharArray())); // equal, another object
    ChatMessage other =
        switch (change) {
          case 0 -> line(5, text + "!");
          case 1 -> new ChatMessage(shown.id(), 6, 1_000L, "n", text, shown.deps());
          case 2 -> new ChatMessage(shown.id(), 5, 1_001L, "n", text, shown.deps());
          case 3 -> new ChatMessage(shown.id(), 5, 1_000L, "m", text, shown.deps());
          case 4 -> new ChatMessage(shown.id(), 5, 1_000L, "n", text, List.of());
          case 5 ->
              new ChatMessage(
                  shown.id(),
                  5,
                  1_000L,
                  "n",
                  text,
                  List.of(new MessageId(PeerId.of(new byte[] {4}), 10)));
          case 6 ->
              new ChatMessage(
                  shown.id(), 5, 1_000L, "n", text, shown.deps(), new byte[32], shown.kind());
          default -> // the nick's and the text's bytes moved across their border
              new ChatMessage(shown.id(), 5, 1_000L, "n" + text, "", shown.deps());
        };
    if (change == 7 && text.isEmpty()) {
      return; // then the two are equal
    }
    assertThat(other).isNotEqualTo(shown);
    EarlyLines a = new EarlyLines();
    showAndForget(a, shown);
    assertThat(a.taken(same)).as("the same line, signed").isEqualTo(EarlyLines.Taken.SAME);
    assertThat(a.wasShown(shown.id())).as("taken once").isFalse();
    EarlyLines b = new EarlyLines();
    showAndForget(b, shown);
    assertThat(b.taken(other)).as("another version of it").isEqualTo(EarlyLines.Taken.OTHER);
  }
}
