package meshchat.peer.app;

import java.io.ByteArrayOutputStream;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

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

  /**
   * Creates {@code dir} (and missing parents) as rwx------ where the file system has modes; a dir
   * that exists with any permission for group or others (made by the user, by a backup tool, by an
   * older meshchat) is made rwx------ too, since a private room's history is in it in plaintext
   * (rev28). Returns what to tell the user of that, or null.
   */
  static String createPrivateDirectories(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      if (!Files.getFileStore(dir).supportsFileAttributeView("posix")) {
        return null;
      }
      Set<PosixFilePermission> mode = Files.getPosixFilePermissions(dir);
      Set<PosixFilePermission> own = EnumSet.noneOf(PosixFilePermission.class);
      for (PosixFilePermission p : mode) {
        if (p.name().startsWith("OWNER_")) {
          own.add(p);
        }
      }
      if (own.size() == mode.size()) {
        return null;
      }
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
      return "made "
          + dir
          + " owner-only (it was "
          + PosixFilePermissions.toString(mode)
          + "): the history is stored there in plaintext";
    }
    Path parent = dir.toAbsolutePath().getParent();
    if (parent != null && Files.getFileStore(existing(parent)).supportsFileAttributeView("posix")) {
      Files.createDirectories(
          dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } else {
      Files.createDirectories(dir);
    }
    return null;
  }

  private static Path existing(Path p) {
    while (p != null && !Files.exists(p)) {
      p = p.getParent();
    }
    return p == null ? Path.of("/") : p;
  }
}
