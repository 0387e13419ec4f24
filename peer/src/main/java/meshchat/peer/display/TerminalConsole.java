package meshchat.peer.display;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * The console on a terminal, with JLine: events print above the input line without disturbing what
 * is being typed ({@link LineReader#printAbove}), and the prompt shows the room and peer count.
 * Ctrl-D and Ctrl-C leave like /quit.
 */
public final class TerminalConsole implements Screen, AutoCloseable {
  private final Terminal terminal;
  private final LineReader reader;
  private Supplier<String> prompt = () -> "> ";

  public TerminalConsole() throws IOException {
    // UTF-8 whatever the locale says: a C or POSIX locale would turn every é and emoji into '?'
    terminal = TerminalBuilder.builder().system(true).encoding(StandardCharsets.UTF_8).build();
    reader = LineReaderBuilder.builder().terminal(terminal).appName("meshchat").build();
  }

  public void prompt(Supplier<String> p) {
    prompt = p;
  }

  @Override
  public void println(String line) {
    reader.printAbove(Visible.of(line));
  }

  @Override
  public void promptChanged() {
    if (reader instanceof org.jline.reader.impl.LineReaderImpl impl) {
      impl.setPrompt(Visible.of(prompt.get())); // not on the LineReader interface in JLine 4
    }
    if (reader.isReading()) {
      reader.callWidget(LineReader.REDRAW_LINE);
      reader.callWidget(LineReader.REDISPLAY);
    }
  }

  /** Reads lines until Ctrl-D, Ctrl-C or /quit. */
  public void run(Commands commands) {
    while (true) {
      String line;
      try {
        line = reader.readLine(Visible.of(prompt.get()));
      } catch (EndOfFileException | UserInterruptException e) {
        return;
      }
      if (!commands.run(line)) {
        return;
      }
    }
  }

  @Override
  public void close() throws IOException {
    terminal.close();
  }
}
