package meshchat.peer.app;

import static meshchat.peer.app.ChatProcesses.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import meshchat.fixture.netty.ReservedPort;
import meshchat.peer.identity.KeyFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The chat CLI as separate processes speaking JSON lines over pipes, as a program would use it. */
class CliProcessTest {
  @RegisterExtension final ChatProcesses procs = new ChatProcesses();

  @Test
  void peersStartedBeforeTheTrackerChatThenSurviveAKill() throws Exception {
    // held, not picked and let go: three JVM starts are long enough for anything to take it
    ReservedPort trackerPort = procs.reservePort();
    int port = trackerPort.port();
    Chat a = procs.chat(procs.dir(), "ann", port);
    Chat b = procs.chat(procs.dir(), "bob", port);
    Chat c = procs.chat(procs.dir(), "cat", port);
    for (Chat x : List.of(a, b, c)) {
      await().atMost(WAIT).until(() -> x.count("unreachable, retrying") == 1);
    }
    procs.startTracker(trackerPort);
    for (Chat x : List.of(a, b, c)) {
      await().atMost(WAIT).until(() -> x.count("\"event\":\"peer-up\"") == 2);
    }
    a.in.println("hi from \"ann\"");
    b.in.println("hi from bob");
    c.in.println("hi from cat");
    for (Chat x : List.of(a, b, c)) {
      await().atMost(WAIT).until(() -> x.count("\"event\":\"message\"") == 3);
    }
    assertThat(b.out).anyMatch(l -> l.contains("\"text\":\"hi from \\\"ann\\\"\""));

    String cId = c.peerId();
    c.kill();
    for (Chat x : List.of(a, b)) {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> x.count("\"event\":\"peer-down\",\"peer\":\"" + cId) == 1);
    }
    Chat c2 = procs.chat(procs.dir(), "cat", port); // same data dir: same peer id
    await().atMost(WAIT).until(c2::ready);
    assertThat(c2.peerId()).isEqualTo(cId);
    for (Chat x : List.of(a, b)) {
      await().atMost(WAIT).until(() -> x.count("\"event\":\"peer-up\",\"peer\":\"" + cId) == 2);
    }

    // EOF right after a line: the line still reaches everyone linked, then the process exits 0
    a.in.println("last words");
    assertThat(a.leave()).isZero();
    await().atMost(WAIT).until(() -> b.count("last words") == 1 && c2.count("last words") == 1);
    await().atMost(WAIT).until(() -> b.count("\"event\":\"peer-down\"") == 2);
  }

  @Test
  void aPrivateRoomIsJoinedWithTheSecretOnStdinAndAWrongSecretSeesNothing() throws Exception {
    Chat a = procs.chat("ann", "--secret"); // asks: the first line of stdin is the secret
    Chat b = procs.chat("bob", "--secret");
    Chat eve = procs.chat("eve", "--secret");
    a.in.println("tr0ub4dor");
    b.in.println("tr0ub4dor");
    eve.in.println("password1");
    for (Chat x : List.of(a, b)) {
      await().atMost(WAIT).until(() -> x.count("\"event\":\"peer-up\"") == 1);
    }
    a.in.println("for members only");
    await().atMost(WAIT).until(() -> b.count("for members only") == 1);
    // eve derives the room key (Argon2id) and registers like the others, only later on a busy box
    await().atMost(WAIT).until(eve::ready);
    assertThat(eve.out).noneMatch(l -> l.contains("peer-up") || l.contains("members only"));
  }

  @Test
  void badInputIsOneLineAndExitCodeTwo() throws Exception {
    Path file = procs.dir().resolve("a-file");
    Files.writeString(file, "x");
    Path leaky = procs.dir().resolve("leaky"); // a key others may read: refused, like ssh
    Files.createDirectories(leaky);
    KeyFiles.loadOrCreate(leaky, line -> {});
    Files.setPosixFilePermissions(
        leaky.resolve("identity.key"), PosixFilePermissions.fromString("rw-r--r--"));
    List<List<String>> cases =
        List.of(
            List.of("chat", "--bogus"),
            List.of("chat", "--port", "70000"),
            List.of("chat", "--port", "many"),
            List.of("chat", "--tracker", "nocolon"),
            List.of("chat", "--tracker", "host:0"),
            List.of("--nick", "x", "--data", file.resolve("sub").toString()),
            List.of("chat", "--secret", ""),
            List.of("chat", "--nick", "x", "--data", leaky.toString()));
    for (List<String> args : cases) {
      Process p =
          ChatProcesses.java(args.toArray(String[]::new))
              .redirectInput(ProcessBuilder.Redirect.PIPE)
              .start();
      p.getOutputStream().close();
      String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(args.toString()).isEqualTo(2);
      assertThat(err.strip().lines().count()).as(args + ": " + err).isEqualTo(1);
      assertThat(err).startsWith("meshchat: ").doesNotContain("Exception").doesNotContain("\tat ");
    }
  }
}
