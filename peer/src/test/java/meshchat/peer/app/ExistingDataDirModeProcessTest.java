package meshchat.peer.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * rev28: a private room's history is stored in plaintext, which is fine because the data directory
 * is owner-only. A data dir that existed already (made by the user, `--data ~/chat`, or by an older
 * meshchat) was used as it was, and with the usual umask another local user read the private room's
 * plaintext. Now it is made owner-only, and the user is told.
 */
class ExistingDataDirModeProcessTest {
  @TempDir Path dir;

  @Test
  void aPrivateRoomsHistoryIsNotReadableByOtherUsersInAnExistingDataDir() throws Exception {
    Path data = dir.resolve("ann");
    Files.createDirectory(
        data, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
    ProcessBuilder pb =
        ChatProcesses.java(
            "chat",
            "--nick",
            "ann",
            "--no-tracker",
            "--data",
            data.toString(),
            "--room",
            "plans",
            "--secret",
            "correct horse battery staple",
            "--json",
            "--linger",
            "0");
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("out").toFile()));
    Process p = pb.start();
    try (OutputStream in = p.getOutputStream()) {
      in.write("the launch code is 0000\n".getBytes(StandardCharsets.UTF_8));
    }
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(Files.readString(dir.resolve("out")))
        .contains("meshchat: made " + data + " owner-only (it was rwxr-xr-x)");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data)))
        .isEqualTo("rwx------");
    Path history = data.resolve("history.db");
    assertThat(history).exists();
    List<String> readable = new ArrayList<>();
    for (Path f : List.of(data, history)) {
      Set<PosixFilePermission> mode = Files.getPosixFilePermissions(f);
      boolean others =
          mode.contains(PosixFilePermission.OTHERS_READ)
              || mode.contains(PosixFilePermission.GROUP_READ);
      if (others && (f.equals(history) || mode.contains(PosixFilePermission.OTHERS_EXECUTE))) {
        readable.add(f.getFileName() + " " + PosixFilePermissions.toString(mode));
      }
    }
    boolean historyReachable =
        readable.stream().anyMatch(s -> s.startsWith("history.db"))
            && readable.stream().anyMatch(s -> s.startsWith("ann"));
    assertThat(historyReachable)
        .as("a private room's plaintext history readable by other users: %s", readable)
        .isFalse();
  }
}
