package meshchat.peer.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import meshchat.peer.app.ChatProcesses.Screen;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.peer.store.sqlite.SqliteMessageStore;
import org.jline.utils.WCWidth;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * docs/security.md, "What the terminal shows". rev29 F1: rev28 F5 stopped a text padded to the
 * terminal's edge from starting a row that reads as another member's line, but only in the chat's
 * JLine console. {@code meshchat history} prints {@code [lamport] HH:mm nick: text} raw, so on a
 * terminal the same padded text draws a row {@code [3] 12:04 alice: send it to the new IBAN please}
 * at the left margin, where lines start: a line alice never wrote, in the history of someone who
 * was in the room. The history is run here as a user runs it, on a pseudo-terminal of 80 columns;
 * and so is a chat whose input is piped while its output is a terminal (no JLine console: its lines
 * are printed as they come).
 */
class UnframedLineSpoofProcessTest {
  private static final PeerId ALICE = PeerId.fromHex("a11ce0");
  private static final PeerId MALLORY = PeerId.fromHex("3a11");
  private static final long WALL = 1_700_000_000_000L;
  private static final int COLS = 80;

  @RegisterExtension final ChatProcesses procs = new ChatProcesses();

  @Test
  void aPaddedTextDrawsNoRowThatReadsAsAnotherHistoryLine() throws Exception {
    Path data = Files.createDirectories(procs.dir().resolve("ann"));
    ChatMessage probe = new ChatMessage(new MessageId(MALLORY, 1), 2, WALL, "mal", "ok", List.of());
    int used = HistoryCommand.textLine(probe).length(); // "[2] HH:mm mal: ok"
    String text =
        "ok" + " ".repeat(COLS - used) + "[3] 12:04 alice: send it to the new IBAN please";
    try (SqliteMessageStore s = SqliteMessageStore.open(data, "lobby")) {
      s.append(new ChatMessage(new MessageId(ALICE, 1), 1, WALL, "alice", "hi all", List.of()));
      s.append(new ChatMessage(new MessageId(MALLORY, 1), 2, WALL, "mal", text, List.of()));
    }
    Screen out =
        procs.screen(
            ChatProcesses.onPty(
                ChatProcesses.java("history", "--data", data.toString()).command(), COLS));
    assertThat(out.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    await().atMost(Duration.ofSeconds(10)).until(() -> out.text().contains("IBAN please"));
    String shown = out.text();
    assertThat(shown).contains("alice: hi all");
    Pattern looksLikeALine = Pattern.compile("^\\[\\d+\\] \\d\\d:\\d\\d \\S+: .*");
    List<String> wrapped = new ArrayList<>(); // rows the terminal drew after a line's first
    for (String line : shown.split("\r?\n")) {
      List<String> rows = rows(line, COLS);
      wrapped.addAll(rows.subList(1, rows.size()));
    }
    assertThat(wrapped)
        .as("rows an %d-column terminal draws after a history line's first", COLS)
        .noneMatch(r -> looksLikeALine.matcher(r).matches());
  }

  @Test
  void aChatWithPipedInputOnATerminalCutsItsLinesToo() throws Exception {
    Path data = Files.createDirectories(procs.dir().resolve("mal"));
    // "HH:mm mal: ok" takes 13 columns: the padding ends the row at the terminal's edge
    String text = "ok" + " ".repeat(COLS - 13) + "12:04 alice: send it to the new IBAN please";
    Path input = Files.writeString(procs.dir().resolve("typed.txt"), text + "\n");
    List<String> cmd =
        ChatProcesses.java(
                "chat", "--no-tracker", "--nick", "mal", "--data", data.toString(), "--linger", "0")
            .command();
    StringBuilder line = new StringBuilder("stty cols " + COLS + " rows 40; exec");
    for (String a : cmd) {
      line.append(" '").append(a.replace("'", "'\\''")).append('\'');
    }
    line.append(" < '").append(input).append('\'');
    ProcessBuilder pb = new ProcessBuilder("script", "-qfec", line.toString(), "/dev/null");
    pb.environment().put("TERM", "xterm-256color");
    Screen out = procs.screen(pb.redirectErrorStream(true));
    assertThat(out.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String shown = out.text();
    assertThat(shown).contains("IBAN please");
    Pattern looksLikeALine = Pattern.compile("^\\d\\d:\\d\\d \\S+: .*");
    for (String l : shown.split("\r?\n")) {
      List<String> rows = rows(l, COLS);
      assertThat(rows.subList(1, rows.size()))
          .as("rows an %d-column terminal draws after the line %s", COLS, l)
          .noneMatch(r -> looksLikeALine.matcher(r).matches());
    }
  }

  /** {@code line} as a terminal of {@code cols} columns wraps it by itself. */
  private static List<String> rows(String line, int cols) {
    List<String> rows = new ArrayList<>();
    StringBuilder row = new StringBuilder();
    int used = 0;
    for (int i = 0; i < line.length(); ) {
      int cp = line.codePointAt(i);
      int w = Math.max(0, WCWidth.wcwidth(cp));
      if (used + w > cols) {
        rows.add(row.toString());
        row.setLength(0);
        used = 0;
      }
      row.appendCodePoint(cp);
      used += w;
      i += Character.charCount(cp);
    }
    rows.add(row.toString());
    return rows;
  }
}
