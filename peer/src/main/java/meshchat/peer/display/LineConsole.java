package meshchat.peer.display;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The console when stdin is not a terminal: each input line is a message or a /command, each event
 * one output line. Built without JLine, so no terminal is probed. End of input is /quit.
 */
public final class LineConsole implements Screen {
  private final PrintStream out;
  private final boolean cut;
  private final int ambiguous;

  /**
   * Lines to {@code out}; {@code cut}: cut them into rows with a hanging indent when {@code out} is
   * standard output and a terminal ({@link Rows}, {@link StdoutColumns}), as the JLine console
   * does. JSON lines are never cut.
   */
  public LineConsole(PrintStream out, boolean cut) {
    this.out = out;
    this.cut = cut && out == System.out;
    // input is no terminal, so the terminal cannot be asked: two unless the environment says
    int said = AmbiguousWidth.override();
    this.ambiguous = said != 0 ? said : 2;
  }

  @Override
  public void println(String line) {
    synchronized (out) {
      String shown = Visible.of(line);
      int columns = cut ? StdoutColumns.get() : 0;
      out.println(columns > 0 ? Rows.of(shown, columns, ambiguous) : shown);
      out.flush();
    }
  }

  /** Reads {@code in} until EOF (true) or /quit (false). */
  public boolean run(InputStream in, Commands commands) throws IOException {
    BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    String line;
    while ((line = r.readLine()) != null) {
      if (!commands.run(line)) {
        return false;
      }
    }
    return true;
  }
}
