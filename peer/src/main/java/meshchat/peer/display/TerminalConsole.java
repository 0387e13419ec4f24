package meshchat.peer.display;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.jline.reader.Candidate;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.ParsedLine;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.LineReaderImpl;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * The console on a terminal, with JLine: events print above the input line without disturbing what
 * is being typed ({@link LineReader#printAbove}), and the prompt shows the room and peer count.
 * Editing as in a shell: Ctrl-C clears a draft and quits on an empty line, Ctrl-D on an empty line
 * quits, Tab completes commands and nicks, and the input history is kept in the data dir.
 */
public final class TerminalConsole implements Screen, AutoCloseable {
  private final Terminal terminal;
  private final LineReader reader;

  /** Columns the terminal draws an East Asian "Ambiguous" character in, asked at start. */
  private final int ambiguous;

  /** The probe went unanswered: its answer may open the first line read (rev38 FINDING-2). */
  private boolean lateReport;

  private Supplier<String> prompt = () -> "> ";
  private volatile Supplier<? extends Iterable<String>> nicks = List::of;

  /**
   * @param history where typed lines are kept between runs (the data dir is owner-only)
   */
  public TerminalConsole(Path history) throws IOException {
    // Ctrl-C is one key, never also a signal. JLine 4 clears ISIG while it reads, and by default
    // its input thread then raises INT itself on a Ctrl-C byte as well as passing the byte on: the
    // signal interrupts readLine, which ends with the draft, and the byte is read again by the
    // next readLine as a Ctrl-C on an empty line, which quits (seen under load, when the
    // interrupt won the race). Without the emulation the key alone ends readLine, with the draft.
    System.setProperty(TerminalBuilder.PROP_SOFTWARE_SIGNALS, "false");
    // UTF-8 whatever the locale says: a C or POSIX locale would turn every é and emoji into '?'
    terminal = TerminalBuilder.builder().system(true).encoding(StandardCharsets.UTF_8).build();
    // asked before the editor starts reading: the answer is read here, never taken for keys
    AmbiguousWidth.Asked asked = AmbiguousWidth.ask(terminal);
    ambiguous = asked.columns();
    lateReport = asked.unanswered();
    reader =
        LineReaderBuilder.builder()
            .terminal(terminal)
            .appName("meshchat")
            .completer(this::complete)
            .variable(LineReader.HISTORY_FILE, history)
            .variable(LineReader.HISTORY_SIZE, 1_000)
            .variable(LineReader.HISTORY_FILE_SIZE, 1_000)
            // the typed line leaves the screen on Enter: the room echoes it once, formatted
            .option(LineReader.Option.ERASE_LINE_ON_FINISH, true)
            .option(LineReader.Option.HISTORY_IGNORE_SPACE, true)
            .option(LineReader.Option.CASE_INSENSITIVE, true)
            .build();
  }

  /** The nicks Tab offers, asked on each Tab. */
  public void nicks(Supplier<? extends Iterable<String>> n) {
    nicks = n;
  }

  /** Commands at the start of the line, nicks anywhere else. */
  private void complete(LineReader r, ParsedLine line, List<Candidate> candidates) {
    String word = line.word();
    if (line.wordIndex() == 0 && word.startsWith("/")) {
      for (String c : Commands.NAMES) {
        candidates.add(new Candidate(c));
      }
      return;
    }
    for (String n : nicks.get()) {
      String shown = Visible.of(n);
      if (shown.toLowerCase(Locale.ROOT).startsWith(word.toLowerCase(Locale.ROOT))) {
        // the first word addresses someone, as in irssi: "ann: "
        candidates.add(new Candidate(shown + (line.wordIndex() == 0 ? ":" : "")));
      }
    }
  }

  public void prompt(Supplier<String> p) {
    prompt = p;
  }

  @Override
  public void println(String line) {
    reader.printAbove(Rows.of(Visible.of(line), terminal.getColumns(), ambiguous));
  }

  @Override
  public void promptChanged() {
    if (reader instanceof LineReaderImpl impl) {
      impl.setPrompt(Visible.of(prompt.get())); // not on the LineReader interface in JLine 4
    }
    if (reader.isReading()) {
      try {
        reader.callWidget(LineReader.REDRAW_LINE);
        reader.callWidget(LineReader.REDISPLAY);
      } catch (IllegalStateException e) {
        // reading ended between the check and the call (this runs on the room's thread, the
        // editor on its own): the next readLine draws the new prompt anyway
      }
    }
  }

  /** Reads lines until Ctrl-D or Ctrl-C on an empty line, or /quit. */
  public void run(Commands commands) {
    while (true) {
      String line;
      try {
        line = reader.readLine(Visible.of(prompt.get()));
      } catch (UserInterruptException e) {
        if (e.getPartialLine() == null || e.getPartialLine().isEmpty()) {
          return;
        }
        continue; // Ctrl-C on a draft clears it, as in a shell
      } catch (EndOfFileException e) {
        return;
      }
      if (lateReport) {
        line = AmbiguousWidth.withoutLateReport(line);
        lateReport = false;
      }
      if (!commands.run(line)) {
        return;
      }
    }
  }

  @Override
  public void close() throws IOException {
    try {
      reader.getHistory().save();
    } finally {
      terminal.close();
    }
  }
}
