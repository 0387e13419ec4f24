package meshchat.peer.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import meshchat.tracker.TrackerConfig;
import meshchat.tracker.TrackerServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A private room shows a short key fingerprint that people can compare out of band, and a peer
 * alone with its secret (a typo lands in a room of its own) is told so once.
 */
class PrivateRoomPromptProcessTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  @TempDir Path tmp;
  private TrackerServer tracker;
  private final List<CliProcessTest.Chat> chats = new java.util.ArrayList<>();

  @AfterEach
  void stop() {
    chats.forEach(c -> c.process.destroyForcibly());
    tracker.close();
  }

  @Test
  void theSameSecretShowsTheSameKeyAndAWrongOneIsToldItIsAlone() throws Exception {
    tracker = TrackerServer.start(TrackerConfig.localTest());
    int port = tracker.localAddress().getPort();
    CliProcessTest.Chat ann = plain("ann", port, "tr0ub4dor");
    CliProcessTest.Chat bob = plain("bob", port, "tr0ub4dor");
    CliProcessTest.Chat eve = plain("eve", port, "password1");
    for (CliProcessTest.Chat c : chats) {
      await().atMost(WAIT).until(() -> c.count("* joined room 'plans' (private, key ") == 1);
    }
    assertThat(key(ann)).matches("[0-9a-f]{4}·[0-9a-f]{4}").isEqualTo(key(bob));
    assertThat(key(eve)).isNotEqualTo(key(ann));

    await().atMost(WAIT).until(() -> eve.count("nobody with this secret is here yet") == 1);
    assertThat(eve.out).anyMatch(l -> l.contains("key " + key(eve)));
    await().atMost(WAIT).until(() -> ann.count("bob (") == 1);
    assertThat(ann.count("nobody with this secret")).isZero();
  }

  private static String key(CliProcessTest.Chat c) {
    String joined = c.out.stream().filter(l -> l.contains("(private, key ")).findFirst().get();
    return joined.replaceAll(".*\\(private, key ([^)]*)\\).*", "$1");
  }

  private CliProcessTest.Chat plain(String nick, int port, String secret) throws Exception {
    CliProcessTest.Chat c =
        new CliProcessTest.Chat(
            CliProcessTest.java(
                    "chat",
                    "--nick",
                    nick,
                    "--room",
                    "plans",
                    "--secret",
                    "--tracker",
                    "127.0.0.1:" + port,
                    "--data",
                    tmp.resolve(nick).toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start());
    c.in.println(secret); // asked for on stdin, as a script would give it
    chats.add(c);
    return c;
  }
}
