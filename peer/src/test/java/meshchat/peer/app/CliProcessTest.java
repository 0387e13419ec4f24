package meshchat.peer.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import meshchat.tracker.ChildJvm;
import meshchat.tracker.TrackerConfig;
import meshchat.tracker.TrackerServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The chat CLI as separate processes speaking JSON lines over pipes, as a program would use it. */
class CliProcessTest {
  @TempDir Path tmp;
  private final List<Chat> chats = new ArrayList<>();
  private TrackerServer tracker;

  /** One {@code chat --json} process: stdin for lines, stdout collected as events. */
  static final class Chat {
    final Process process;
    final PrintStream in;
    final List<String> out;

    Chat(Process p) {
      ChildJvm child = new ChildJvm(p);
      process = p;
      in = child.in;
      out = child.out;
    }

    /**
     * {@code chat --json --nick NICK --tracker 127.0.0.1:PORT --data DATA/NICK}, stderr dropped.
     */
    static Chat start(Path data, String nick, int trackerPort, String... more) throws IOException {
      List<String> args =
          new ArrayList<>(
              List.of(
                  "chat",
                  "--json",
                  "--nick",
                  nick,
                  "--tracker",
                  "127.0.0.1:" + trackerPort,
                  "--data",
                  data.resolve(nick).toString()));
      args.addAll(List.of(more));
      return new Chat(
          java(args.toArray(String[]::new)).redirectError(ProcessBuilder.Redirect.DISCARD).start());
    }

    long count(String fragment) {
      return out.stream().filter(l -> l.contains(fragment)).count();
    }

    String peerId() {
      String ready =
          out.stream().filter(l -> l.contains("\"event\":\"ready\"")).findFirst().orElseThrow();
      return ready.replaceAll(".*\"peer\":\"([0-9a-f]+)\".*", "$1");
    }
  }

  /**
   * PeerMain in a child JVM. A {@code chat} gets {@code --no-lan}: without it, chats of tests that
   * run at the same time on one machine find each other's "lobby" by mDNS and join it. The LAN
   * test, in network namespaces of its own, uses {@link #javaOnTheLan}.
   */
  static ProcessBuilder java(String... args) {
    if (args.length > 0 && args[0].equals("chat")) {
      List<String> withoutLan = new ArrayList<>(List.of(args));
      withoutLan.add(1, "--no-lan");
      args = withoutLan.toArray(String[]::new);
    }
    return ChildJvm.java(PeerMain.class, args);
  }

  /** PeerMain in a child JVM, LAN discovery as the user gets it. */
  static ProcessBuilder javaOnTheLan(String... args) {
    return ChildJvm.java(PeerMain.class, args);
  }

  private Chat chat(String nick, int trackerPort, String... more) throws IOException {
    Chat c = Chat.start(tmp, nick, trackerPort, more);
    chats.add(c);
    return c;
  }

  @AfterEach
  void tearDown() {
    chats.forEach(c -> c.process.destroyForcibly());
    if (tracker != null) {
      tracker.close();
    }
  }

  @Test
  void peersStartedBeforeTheTrackerChatThenSurviveAKill() throws Exception {
    int port = meshchat.fixture.netty.LoopbackCluster.freePort();
    Chat a = chat("ann", port);
    Chat b = chat("bob", port);
    Chat c = chat("cat", port);
    Duration wait = Duration.ofSeconds(60); // a JVM start takes 20 s on a loaded box
    for (Chat x : List.of(a, b, c)) {
      await().atMost(wait).until(() -> x.count("unreachable, retrying") == 1);
    }
    tracker = TrackerServer.start(TrackerConfig.localTest().with(d -> d.port = port));
    for (Chat x : List.of(a, b, c)) {
      await().atMost(wait).until(() -> x.count("\"event\":\"peer-up\"") == 2);
    }
    a.in.println("hi from \"ann\"");
    b.in.println("hi from bob");
    c.in.println("hi from cat");
    for (Chat x : List.of(a, b, c)) {
      await().atMost(wait).until(() -> x.count("\"event\":\"message\"") == 3);
    }
    assertThat(b.out).anyMatch(l -> l.contains("\"text\":\"hi from \\\"ann\\\"\""));

    String cId = c.peerId();
    c.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // kill -9
    for (Chat x : List.of(a, b)) {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> x.count("\"event\":\"peer-down\",\"peer\":\"" + cId) == 1);
    }
    Chat c2 = chat("cat", port); // same data dir: same peer id
    await().atMost(wait).until(() -> c2.count("\"event\":\"ready\"") == 1);
    assertThat(c2.peerId()).isEqualTo(cId);
    for (Chat x : List.of(a, b)) {
      await().atMost(wait).until(() -> x.count("\"event\":\"peer-up\",\"peer\":\"" + cId) == 2);
    }

    // EOF right after a line: the line still reaches everyone linked, then the process exits 0
    a.in.println("last words");
    a.in.close();
    assertThat(a.process.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(a.process.exitValue()).isZero();
    await().atMost(wait).until(() -> b.count("last words") == 1 && c2.count("last words") == 1);
    await().atMost(wait).until(() -> b.count("\"event\":\"peer-down\"") == 2);
  }

  @Test
  void aPrivateRoomIsJoinedWithTheSecretOnStdinAndAWrongSecretSeesNothing() throws Exception {
    tracker = TrackerServer.start(TrackerConfig.localTest());
    int port = tracker.localAddress().getPort();
    Chat a = chat("ann", port, "--secret"); // asks: the first line of stdin is the secret
    Chat b = chat("bob", port, "--secret");
    Chat eve = chat("eve", port, "--secret");
    a.in.println("tr0ub4dor");
    b.in.println("tr0ub4dor");
    eve.in.println("password1");
    Duration wait = Duration.ofSeconds(60); // a JVM start takes 20 s on a loaded box
    for (Chat x : List.of(a, b)) {
      await().atMost(wait).until(() -> x.count("\"event\":\"peer-up\"") == 1);
    }
    a.in.println("for members only");
    await().atMost(wait).until(() -> b.count("for members only") == 1);
    // eve derives the room key (Argon2id) and registers like the others, only later on a busy box
    await().atMost(wait).until(() -> eve.count("\"event\":\"ready\"") == 1);
    assertThat(eve.out).noneMatch(l -> l.contains("peer-up") || l.contains("members only"));
  }

  @Test
  void badInputIsOneLineAndExitCodeTwo() throws Exception {
    Path file = tmp.resolve("a-file");
    java.nio.file.Files.writeString(file, "x");
    Path leaky = tmp.resolve("leaky"); // a key others may read: refused, like ssh
    java.nio.file.Files.createDirectories(leaky);
    meshchat.peer.identity.KeyFiles.loadOrCreate(leaky, line -> {});
    java.nio.file.Files.setPosixFilePermissions(
        leaky.resolve("identity.key"),
        java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
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
          java(args.toArray(String[]::new)).redirectInput(ProcessBuilder.Redirect.PIPE).start();
      p.getOutputStream().close();
      String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(args.toString()).isEqualTo(2);
      assertThat(err.strip().lines().count()).as(args + ": " + err).isEqualTo(1);
      assertThat(err).startsWith("meshchat: ").doesNotContain("Exception").doesNotContain("\tat ");
    }
  }
}
