package meshchat.peer.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One process per data dir, with real processes: a second {@code chat} on a live dir exits 2 with
 * one line naming the holder's pid; {@code history} still reads the live dir; after {@code kill -9}
 * the stale lock file does not block a restart.
 */
class DataDirLockProcessTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @RegisterExtension final ChatProcesses procs = new ChatProcesses();

  private Chat chat(String nick) throws Exception {
    // a tracker port nobody answers on: these peers are alone, which is all this test needs
    Chat c = procs.chat(procs.dir(), nick, procs.reservePort().port());
    await().atMost(WAIT).until(c::ready);
    return c;
  }

  @Test
  void aSecondChatOnTheSameDirExitsTwoWithOneLineAndHistoryStillReads() throws Exception {
    Chat ann = chat("ann");
    ann.in.println("written by the first process");
    await().atMost(WAIT).until(() -> ann.count("written by the first process") == 1);

    Path dir = procs.dir().resolve("ann");
    Process second =
        ChatProcesses.java(
                "chat", "--json", "--nick", "ann", "--data", dir.toString(), "--port", "0")
            .start();
    second.getOutputStream().close();
    String err = new String(second.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    String out = new String(second.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(second.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(second.exitValue()).isEqualTo(2);
    assertThat(err)
        .isEqualTo(
            "meshchat: "
                + dir
                + " is in use by another meshchat (pid "
                + ann.process.pid()
                + "); use --nick NAME or --data DIR\n");
    assertThat(out).isEmpty(); // it did not start: no ready, no message

    // history reads the live dir (it takes no lock): the line the first process showed is there
    assertThat(ChatProcesses.history(dir)).contains("written by the first process");

    // the first process is unharmed
    ann.in.println("still here");
    await().atMost(WAIT).until(() -> ann.count("still here") == 1);
  }

  @Test
  void aStaleLockFromAKilledProcessNeverBlocksARestart() throws Exception {
    Chat first = chat("bob");
    first.kill(); // the lock file stays
    assertThat(procs.dir().resolve("bob").resolve(DataDirLock.FILE_NAME)).exists();
    Chat again = chat("bob");
    again.in.println("back");
    await().atMost(WAIT).until(() -> again.count("\"text\":\"back\"") == 1);
    assertThat(again.peerId()).isEqualTo(first.peerId());
  }
}
