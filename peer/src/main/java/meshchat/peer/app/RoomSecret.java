package meshchat.peer.app;

import java.io.ByteArrayOutputStream;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Asking for a private room's secret, and the owner-only data directory it protects. */
final class RoomSecret {
  private RoomSecret() {}

  /**
   * On a terminal, asks without echo (on the terminal, never on stdout, which may carry JSON).
   * Otherwise the secret is the first line of stdin, read byte by byte so that the lines after it
   * stay for the chat.
   */
  static char[] ask() {
    Console console = System.console();
    if (console != null) {
      char[] s = console.readPassword("room secret: ");
      return s == null ? new char[0] : s;
    }
    try {
      InputStream in = System.in;
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      for (int b; (b = in.read()) != -1 && b != '\n'; ) {
        line.write(b);
      }
      String s = line.toString(StandardCharsets.UTF_8);
      return (s.endsWith("\r") ? s.substring(0, s.length() - 1) : s).toCharArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Creates {@code dir} (and missing parents) as rwx------ where the file system has modes. */
  static void createPrivateDirectories(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    Path parent = dir.toAbsolutePath().getParent();
    if (parent != null && Files.getFileStore(existing(parent)).supportsFileAttributeView("posix")) {
      Files.createDirectories(
          dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } else {
      Files.createDirectories(dir);
    }
  }

  private static Path existing(Path p) {
    while (p != null && !Files.exists(p)) {
      p = p.getParent();
    }
    return p == null ? Path.of("/") : p;
  }
}
