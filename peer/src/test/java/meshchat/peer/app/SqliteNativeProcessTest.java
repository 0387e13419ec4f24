package meshchat.peer.app;

import static meshchat.peer.app.ChatProcesses.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sqlite.SQLiteJDBCLoader;

/**
 * The SQLite driver's native library comes from the user's cache, so {@code kill -9} leaves nothing
 * in /tmp: by itself the driver writes a fresh 1.1 MB copy there per start and only a clean exit
 * removes it.
 */
class SqliteNativeProcessTest {
  @RegisterExtension final ChatProcesses procs = new ChatProcesses();

  @Test
  void killedPeersLeaveNoDriverCopyInTmpAndEveryStartMapsTheCachedOne() throws Exception {
    Path tmp = procs.dir();
    Path home = tmp.resolve("home");
    Path javaTmp = Files.createDirectories(tmp.resolve("java-tmp"));
    Path cached = home.resolve(".cache/meshchat/sqlite-" + SQLiteJDBCLoader.getVersion());
    for (int start = 0; start < 2; start++) {
      ProcessBuilder pb =
          ChatProcesses.java(
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
      Chat ann = procs.start(pb.redirectError(ProcessBuilder.Redirect.DISCARD), null);
      await().atMost(WAIT).until(ann::ready);
      String maps = Files.readString(Path.of("/proc", Long.toString(ann.process.pid()), "maps"));
      assertThat(maps.lines().filter(l -> l.contains("libsqlitejdbc")))
          .isNotEmpty()
          .allMatch(l -> l.contains(cached.toString()), "maps the cached copy");
      ann.kill(); // kill -9
    }
    try (Stream<Path> left = Files.list(javaTmp)) {
      assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("sqlite"));
    }
  }
}
