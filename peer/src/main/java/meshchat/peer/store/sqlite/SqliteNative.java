package meshchat.peer.store.sqlite;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.sqlite.SQLiteJDBCLoader;
import org.sqlite.util.OSInfo;

/**
 * Where sqlite-jdbc loads its native library from. By itself the driver copies the library (1.1 MB)
 * out of the jar into {@code java.io.tmpdir} under a fresh name on every start and deletes it at a
 * clean exit; a killed process leaves its copy, and its lock file, behind for good. A chat peer
 * instead keeps one copy per driver version in the user's cache directory, written once (to a
 * temporary name, then renamed), and points the driver at it. Any problem leaves the driver to its
 * own way: this never stops a start.
 */
public final class SqliteNative {
  static final String PATH = "org.sqlite.lib.path";
  static final String NAME = "org.sqlite.lib.name";
  static final String TMPDIR = "org.sqlite.tmpdir";

  private SqliteNative() {}

  /**
   * The copy's directory name: the driver's version and, from the jar, the library's CRC, so that
   * another build of the driver never loads this one's library (a shaded jar may not know its
   * driver's version: it then says "unknown").
   */
  static String copyName(URL resource) throws IOException {
    return copyName(resource.openConnection());
  }

  private static String copyName(URLConnection resource) throws IOException {
    String name = "sqlite-" + SQLiteJDBCLoader.getVersion();
    if (resource instanceof JarURLConnection jar
        && jar.getJarEntry() != null
        && jar.getJarEntry().getCrc() != -1) {
      name += "-" + Long.toHexString(jar.getJarEntry().getCrc());
    }
    return name;
  }

  /**
   * The file that remembers the driver's folder for this OS and architecture: finding it costs the
   * driver a fork of {@code uname -o} (to tell Android's Termux from Linux), tens of milliseconds
   * of every start's way to {@code ready}. Named by the driver's version, the OS and the
   * architecture, so a cache shared by other machines or drivers never answers for them.
   */
  static String folderFileName() {
    String key =
        SQLiteJDBCLoader.getVersion()
            + "-"
            + System.getProperty("os.name")
            + "-"
            + System.getProperty("os.arch");
    return "sqlite-" + key.replaceAll("[^A-Za-z0-9._-]", "_") + ".folder";
  }

  /** The folder remembered in {@code file}, if it names a library the jar holds; else null. */
  private static String rememberedFolder(Path file, String name) {
    try {
      String folder = Files.readString(file).strip();
      return folder.matches("[A-Za-z0-9_-]+/[A-Za-z0-9_-]+") && resourceIn(folder, name) != null
          ? folder
          : null;
    } catch (IOException | RuntimeException e) {
      return null; // not there yet, or unreadable: ask the driver
    }
  }

  private static URL resourceIn(String folder, String name) {
    return SQLiteJDBCLoader.class.getResource("/org/sqlite/native/" + folder + "/" + name);
  }

  /**
   * Writes {@code folder} to {@code file} whole (a temporary file, then a rename), or not at all.
   */
  private static void remember(Path file, String folder) {
    try {
      Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
      try {
        Files.writeString(tmp, folder + "\n");
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException | RuntimeException e) {
      // the next start asks the driver again
    }
  }

  /**
   * Before the first database is opened: use (making it if needed) the copy under {@code
   * cacheRoot}. Returns the library file used, or null when the driver is left to extract its own
   * (the library or its directory was set by the user, or the cache cannot be written).
   */
  public static Path useCopyIn(Path cacheRoot) {
    if (System.getProperty(PATH) != null || System.getProperty(NAME) != null) {
      return null; // the user chose
    }
    try {
      String name = System.mapLibraryName("sqlitejdbc");
      Path remembered = cacheRoot.resolve(folderFileName());
      String folder = rememberedFolder(remembered, name);
      boolean asked = folder == null;
      if (asked) {
        folder = OSInfo.getNativeLibFolderPathForCurrentOS(); // forks `uname -o`
      }
      URL resource = resourceIn(folder, name);
      if (resource == null) {
        return null;
      }
      URLConnection connection = resource.openConnection(); // its name and size, opened once
      Path dir = cacheRoot.resolve(copyName(connection)).resolve(folder);
      Path lib = dir.resolve(name);
      long size = connection.getContentLengthLong();
      if (!Files.isRegularFile(lib) || Files.size(lib) != size) {
        Files.createDirectories(
            dir,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path tmp = Files.createTempFile(dir, name, ".tmp");
        try (InputStream in = resource.openStream()) {
          Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
          Files.move(tmp, lib, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
          Files.deleteIfExists(tmp);
        }
      }
      if (asked) {
        remember(remembered, folder);
      }
      System.setProperty(PATH, dir.toString());
      System.setProperty(NAME, name);
      // the driver's first open lists its temporary directory for copies a killed process left
      // (java.io.tmpdir: hundreds of entries on a desktop, on the way to ready); it makes none
      // now, so it lists the copy's own directory, where nothing is named like its copies
      if (System.getProperty(TMPDIR) == null) {
        System.setProperty(TMPDIR, dir.toString());
      }
      return lib;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
