package meshchat.peer.display;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.peer.nick.NickBook;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

/**
 * rev28: a line is drawn as {@code HH:mm NICK: TEXT}, and a nick may hold ": " and spaces (any
 * 1..128 bytes). A stranger who picks the nick {@code "alice: meeting moved. Reason"} and writes
 * {@code "fire drill"} drew exactly the line the real alice would draw for "meeting moved. Reason:
 * fire drill": now a nick with a colon is shown quoted. And a text padded to the terminal's edge
 * started a row that read as alice's line: now rows after a line's first are indented.
 */
class LineSpoofTest {
  private static final long WALL = Instant.parse("2026-12-06T12:03:00Z").toEpochMilli();

  @Test
  void aNickHoldingColonSpaceCannotDrawAsAnotherMembersLine() {
    SplittableRandom random = new SplittableRandom(28);
    PeerId alice = PeerId.random(random);
    PeerId mallory = PeerId.random(random);
    NickBook book = new NickBook(() -> {});
    List<String> screen = new ArrayList<>();
    ChatView view =
        new ChatView(
            screen::add, false, "lobby", 0, book, InstantSource.fixed(Instant.ofEpochMilli(WALL)));
    ChatMessage hello =
        new ChatMessage(new MessageId(alice, 1), 1, WALL, "alice", "hi all", List.of());
    view.line(hello, false, null, false); // alice is known: her key is pinned to "alice"
    ChatMessage real =
        new ChatMessage(
            new MessageId(alice, 2),
            2,
            WALL,
            "alice",
            "meeting moved. Reason: fire drill",
            List.of());
    ChatMessage fake =
        new ChatMessage(
            new MessageId(mallory, 1),
            3,
            WALL,
            "alice: meeting moved. Reason",
            "fire drill",
            List.of());
    String realLine = Visible.of(view.line(real, false, null, false));
    String fakeLine = Visible.of(view.line(fake, false, null, false));
    assertThat(fakeLine).as("mallory's line drawn beside alice's").isNotEqualTo(realLine);
    assertThat(fakeLine).isEqualTo("12:03 \"alice: meeting moved. Reason\": fire drill");
  }

  /**
   * The same by wrapping: a text of spaces up to the terminal's width, then what looks like another
   * line. On an 80-column terminal the second row reads as a line of alice's.
   */
  @Test
  void aTextCannotDrawARowThatReadsAsAnotherLine() {
    SplittableRandom random = new SplittableRandom(28);
    PeerId mallory = PeerId.random(random);
    NickBook book = new NickBook(() -> {});
    ChatView view =
        new ChatView(
            line -> {}, false, "lobby", 0, book, InstantSource.fixed(Instant.ofEpochMilli(WALL)));
    String prefix =
        view.line(
            new ChatMessage(new MessageId(mallory, 1), 1, WALL, "mal", "x", List.of()),
            false,
            null,
            false);
    int used = prefix.length() - 1; // "HH:mm mal: "
    String text = "ok" + " ".repeat(80 - used - 2) + "12:04 alice: send it to the new IBAN please";
    String line =
        Visible.of(
            view.line(
                new ChatMessage(new MessageId(mallory, 2), 2, WALL, "mal", text, List.of()),
                false,
                null,
                false));
    Pattern looksLikeALine = Pattern.compile("^\\d\\d:\\d\\d \\S+: .*");
    List<String> rows = List.of(Rows.of(line, 80).split("\n"));
    assertThat(rows).hasSizeGreaterThan(1);
    assertThat(rows.subList(1, rows.size()))
        .as("rows after the first, on an 80-column terminal")
        .noneMatch(r -> looksLikeALine.matcher(r).matches());
  }

  @Property
  void rowsKeepEveryCharacterAndFitTheWidth(
      @ForAll @StringLength(max = 400) String text,
      @ForAll @IntRange(min = 0, max = 200) int width) {
    String line = Visible.of(text);
    String rows = Rows.of(line, width);
    if (width < Rows.MIN_WIDTH) {
      assertThat(rows).isEqualTo(line);
      return;
    }
    String[] split = rows.split("\n", -1);
    StringBuilder back = new StringBuilder(split[0]);
    for (int i = 1; i < split.length; i++) {
      assertThat(split[i]).startsWith(" ".repeat(Rows.INDENT));
      back.append(split[i].substring(Rows.INDENT));
    }
    assertThat(back.toString()).isEqualTo(line);
    for (String r : split) {
      int cols = r.codePoints().map(cp -> Math.max(0, org.jline.utils.WCWidth.wcwidth(cp))).sum();
      assertThat(cols).isLessThanOrEqualTo(width - 1);
    }
  }
}
