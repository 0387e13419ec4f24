package meshchat.peer.display;

import java.nio.file.Files;
import java.nio.file.Path;
import org.jline.nativ.CLibrary;

/**
 * The columns of the terminal standard output is, for output that is not drawn by the chat's JLine
 * console ({@code meshchat history}, or a chat whose input is piped): such lines are cut with
 * {@link Rows} too, so that a text padded to the terminal's edge cannot start a row that reads as
 * another member's line (rev29). Asked of the kernel ({@code isatty}, {@code TIOCGWINSZ} through
 * JLine's native library) on every call, so a resized terminal is followed; 0 when standard output
 * is not a terminal or its size cannot be read, and lines are then left whole, as a file or a pipe
 * wants them.
 */
public final class StdoutColumns {
  private StdoutColumns() {}

  private static final class Native {
    static final boolean LOADED = load();

    private static boolean load() {
      try {
        return CLibrary.TIOCGWINSZ != 0 || CLibrary.isatty(1) >= 0;
      } catch (Throwable e) { // no native library for this system: nothing to measure with
        return false;
      }
    }
  }

  /** The columns of the terminal on standard output, or 0. */
  public static int get() {
    if (!maybeTerminal()) {
      return 0;
    }
    try {
      if (!Native.LOADED || CLibrary.isatty(1) != 1) {
        return 0;
      }
      CLibrary.WinSize size = new CLibrary.WinSize();
      return CLibrary.ioctl(1, CLibrary.TIOCGWINSZ, size) == 0 ? Math.max(0, size.ws_col) : 0;
    } catch (Throwable e) {
      return 0;
    }
  }

  /**
   * False when standard output is surely no terminal, without loading anything: on Linux its
   * descriptor names a file, a pipe or a socket. Elsewhere, true (the native check decides).
   */
  private static boolean maybeTerminal() {
    try {
      String target = Files.readSymbolicLink(Path.of("/proc/self/fd/1")).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
    } catch (Exception | LinkageError e) {
      return true;
    }
  }
}
