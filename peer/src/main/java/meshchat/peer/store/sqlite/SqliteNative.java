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
   * Before the first database is opened: use (making it if needed) the copy under {@code
   * cacheRoot}. Returns the library file used, or null when the driver is left to extract its own
   * (the library or its directory was set by the user, or the cache cannot be written).
   */
  public static Path useCopyIn(Path cacheRoot) {
    if (System.getProperty(PATH) != null || System.getProperty(NAME) != null) {
      return null; // the user chose
    }
    try {
      String folder = OSInfo.getNativeLibFolderPathForCurrentOS();
      String name = System.mapLibraryName("sqlitejdbc");
      URL resource =
          SQLiteJDBCLoader.class.getResource("/org/sqlite/native/" + folder + "/" + name);
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
      System.setProperty(PATH, dir.toString());
      System.setProperty(NAME, name);
      return lib;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
