package meshchat.peer.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteJDBCLoader;
import org.sqlite.util.OSInfo;

class SqliteNativeTest {
  @TempDir Path cache;

  @BeforeEach // an in-process command earlier in this JVM may have pointed the driver somewhere
  @AfterEach
  void clear() {
    System.clearProperty(SqliteNative.PATH);
    System.clearProperty(SqliteNative.NAME);
    System.clearProperty(SqliteNative.TMPDIR);
  }

  private static URL theDriversResource() {
    return SQLiteJDBCLoader.class.getResource(
        "/org/sqlite/native/"
            + OSInfo.getNativeLibFolderPathForCurrentOS()
            + "/"
            + System.mapLibraryName("sqlitejdbc"));
  }

  private static byte[] theDriversLibrary() throws Exception {
    try (InputStream in = theDriversResource().openStream()) {
      return in.readAllBytes();
    }
  }

  @Test
  void theCopyIsNamedByTheDriversVersionAndTheLibrarysCrc() throws Exception {
    CRC32 crc = new CRC32();
    crc.update(theDriversLibrary());
    assertThat(SqliteNative.copyName(theDriversResource()))
        .isEqualTo(
            "sqlite-" + SQLiteJDBCLoader.getVersion() + "-" + Long.toHexString(crc.getValue()));
  }

  @Test
  void theLibraryIsCopiedOncePerDriverVersionAndTheDriverPointedAtIt() throws Exception {
    Path lib = SqliteNative.useCopyIn(cache);

    assertThat(lib)
        .isEqualTo(
            cache
                .resolve(SqliteNative.copyName(theDriversResource()))
                .resolve(OSInfo.getNativeLibFolderPathForCurrentOS())
                .resolve(System.mapLibraryName("sqlitejdbc")));
    assertThat(Files.readAllBytes(lib)).isEqualTo(theDriversLibrary());
    assertThat(System.getProperty(SqliteNative.PATH)).isEqualTo(lib.getParent().toString());
    assertThat(System.getProperty(SqliteNative.NAME)).isEqualTo(lib.getFileName().toString());
    // and the driver's search for copies left behind lists this directory, not java.io.tmpdir
    assertThat(System.getProperty(SqliteNative.TMPDIR)).isEqualTo(lib.getParent().toString());
    assertThat(Files.list(lib.getParent())).containsExactly(lib); // no temporary file left

    // the next start finds it and writes nothing
    FileTime written = FileTime.fromMillis(1_000_000);
    Files.setLastModifiedTime(lib, written);
    clear();
    assertThat(SqliteNative.useCopyIn(cache)).isEqualTo(lib);
    assertThat(Files.getLastModifiedTime(lib)).isEqualTo(written);
  }

  @Test
  void aCopyCutShortIsWrittenAgain() throws Exception {
    Path lib = SqliteNative.useCopyIn(cache);
    Files.write(lib, new byte[] {0x7f, 'E', 'L', 'F'}); // a crash or a full disk mid-copy
    clear();

    assertThat(SqliteNative.useCopyIn(cache)).isEqualTo(lib);
    assertThat(Files.readAllBytes(lib)).isEqualTo(theDriversLibrary());
  }

  @Test
  void aLibraryTheUserChoseIsLeftAlone() {
    System.setProperty(SqliteNative.PATH, "/opt/sqlite");

    assertThat(SqliteNative.useCopyIn(cache)).isNull();
    assertThat(System.getProperty(SqliteNative.PATH)).isEqualTo("/opt/sqlite");
    assertThat(cache).isEmptyDirectory();
  }

  @Test
  void aCacheThatCannotBeWrittenLeavesTheDriverToItsOwnWay() throws Exception {
    Path blocked = Files.writeString(cache.resolve("meshchat"), "a file where a dir should be");

    assertThat(SqliteNative.useCopyIn(blocked)).isNull();
    assertThat(System.getProperty(SqliteNative.PATH)).isNull();
    assertThat(System.getProperty(SqliteNative.NAME)).isNull();
    assertThat(System.getProperty(SqliteNative.TMPDIR)).isNull();
  }

  @Test
  void theDriversFolderIsRememberedSoTheNextStartDoesNotForkUnameForIt() throws Exception {
    String folder = OSInfo.getNativeLibFolderPathForCurrentOS();
    SqliteNative.useCopyIn(cache);
    Path remembered = cache.resolve(SqliteNative.folderFileName());
    assertThat(Files.readString(remembered).strip()).isEqualTo(folder);

    // the next start takes the folder from the file, without asking the OS: shown with another
    // folder the jar also holds, which only the file can have named
    String other = folder.equals("Linux/aarch64") ? "Linux/x86_64" : "Linux/aarch64";
    Files.writeString(remembered, other + "\n");
    clear();
    Path lib = SqliteNative.useCopyIn(cache);
    assertThat(lib.getParent()).endsWith(Path.of(other));
  }

  @Test
  void aRememberedFolderTheJarDoesNotHoldIsAskedForAgainAndRewritten() throws Exception {
    Path remembered = cache.resolve(SqliteNative.folderFileName());
    for (String bad : new String[] {"../../etc", "Nowhere/none", "", "Linux/x86_64/../../x"}) {
      Files.createDirectories(cache);
      Files.writeString(remembered, bad);
      clear();
      Path lib = SqliteNative.useCopyIn(cache);
      assertThat(lib.getParent()).endsWith(Path.of(OSInfo.getNativeLibFolderPathForCurrentOS()));
      assertThat(Files.readString(remembered).strip())
          .isEqualTo(OSInfo.getNativeLibFolderPathForCurrentOS());
    }
  }
}
