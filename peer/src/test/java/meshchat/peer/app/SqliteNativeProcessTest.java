package meshchat.peer.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import meshchat.peer.app.CliProcessTest.Chat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteJDBCLoader;

/**
 * The SQLite driver's native library comes from the user's cache, so {@code kill -9} leaves nothing
 * in /tmp: by itself the driver writes a fresh 1.1 MB copy there per start and only a clean exit
 * removes it.
 */
class SqliteNativeProcessTest {
  @TempDir Path tmp;

  @Test
  void killedPeersLeaveNoDriverCopyInTmpAndEveryStartMapsTheCachedOne() throws Exception {
    Path home = tmp.resolve("home");
    Path javaTmp = Files.createDirectories(tmp.resolve("java-tmp"));
    Path cached = home.resolve(".cache/meshchat/sqlite-" + SQLiteJDBCLoader.getVersion());
    for (int start = 0; start < 2; start++) {
      ProcessBuilder pb =
          CliProcessTest.java(
              "chat",
              "--json",
              "--nick",
              "ann",
              "--no-tracker",
              "--data",
              tmp.resolve("ann").toString());
      pb.command().add(1, "-Djava.io.tmpdir=" + javaTmp);
      pb.environment().put("HOME", home.toString());
      pb.environment().remove("XDG_CACHE_HOME");
      Chat ann = new Chat(pb.redirectError(ProcessBuilder.Redirect.DISCARD).start());
      try {
        await().atMost(Duration.ofSeconds(60)).until(() -> ann.count("\"event\":\"ready\"") == 1);
        String maps = Files.readString(Path.of("/proc", Long.toString(ann.process.pid()), "maps"));
        assertThat(maps.lines().filter(l -> l.contains("libsqlitejdbc")))
            .isNotEmpty()
            .allMatch(l -> l.contains(cached.toString()), "maps the cached copy");
      } finally {
        ann.process.destroyForcibly(); // kill -9
        assertThat(ann.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      }
    }
    try (Stream<Path> left = Files.list(javaTmp)) {
      assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("sqlite"));
    }
  }
}
