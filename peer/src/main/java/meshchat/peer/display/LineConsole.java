package meshchat.peer.display;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

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

  /**
   * The longest input line read, in bytes: longer ones are skipped to their end and refused, so a
   * piped line without a newline cannot fill the heap. A message's text is at most 64 KiB, so every
   * line it could send fits.
   */
  public static final int MAX_LINE_BYTES = 1 << 20;

  /** How the input ended: at its end ({@code eof}) or at /quit; lines refused on the way. */
  public record Ended(boolean eof, int refused) {}

  /**
   * Reads {@code in} until its end or /quit. Each line must be UTF-8 and at most {@link
   * #MAX_LINE_BYTES}: one that is not is refused with one error line naming it, never sent altered
   * (a lenient decode sent each bad byte as U+FFFD, signed, for the whole room: rev38 FINDING-3),
   * and the lines after it are still read. A line ends at LF, CR or CR LF, as {@link
   * java.io.BufferedReader#readLine} ends it.
   */
  public Ended run(InputStream in, Commands commands) throws IOException {
    InputStream r = in instanceof BufferedInputStream ? in : new BufferedInputStream(in);
    CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder(); // REPORT on malformed and unmapped
    byte[] buf = new byte[256];
    int length = 0;
    boolean over = false;
    boolean afterCr = false;
    int number = 0;
    int refused = 0;
    while (true) {
      int c = r.read();
      if (c == '\n' && afterCr) {
        afterCr = false;
        continue; // the LF of a CR LF
      }
      afterCr = c == '\r';
      if (c == -1 && length == 0 && !over) {
        return new Ended(true, refused);
      }
      if (c != -1 && c != '\n' && c != '\r') {
        if (length == MAX_LINE_BYTES) {
          over = true;
        } else if (!over) {
          if (length == buf.length) {
            buf = Arrays.copyOf(buf, Math.min(MAX_LINE_BYTES, buf.length * 2));
          }
          buf[length++] = (byte) c;
        }
        continue;
      }
      number++;
      String line = null;
      if (over) {
        commands.refuse(
            "line " + number + " of the input is longer than 1 MiB; not sent (nor any of it)");
      } else {
        try {
          line = utf8.decode(ByteBuffer.wrap(buf, 0, length)).toString();
        } catch (CharacterCodingException e) {
          commands.refuse("line " + number + " of the input is not UTF-8; not sent");
        }
      }
      length = 0;
      over = false;
      if (line == null) {
        refused++;
      } else if (!commands.run(line)) {
        return new Ended(false, refused);
      }
      if (c == -1) {
        return new Ended(true, refused);
      }
    }
  }
}
