package meshchat.peer.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import meshchat.peer.identity.Identity;
import meshchat.peer.runtime.PeerConfig;
import meshchat.peer.runtime.PeerGroups;
import meshchat.peer.runtime.PeerListener;
import meshchat.peer.runtime.PeerNode;
import meshchat.peer.store.memory.InMemoryMessageStore;
import meshchat.tracker.TrackerConfig;
import meshchat.tracker.TrackerServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * History is on screen: a late joiner sees the last N caught-up messages in order under a line
 * counting the rest, a restart shows the last N stored ones, /history pages back, and --json
 * reports every caught-up message as a message event with catch_up true.
 */
class ScrollbackProcessTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  @TempDir Path tmp;
  private TrackerServer tracker;
  private PeerGroups groups;
  private PeerNode bob;
  private CliProcessTest.Chat ann;

  @AfterEach
  void stop() {
    if (ann != null) {
      ann.process.destroyForcibly();
    }
    if (bob != null) {
      bob.close();
    }
    if (groups != null) {
      groups.close();
    }
    tracker.close();
  }

  @Test
  void aLateJoinerSeesTheLastCaughtUpMessagesThenARestartShowsItsScrollback() throws Exception {
    tracker = TrackerServer.start(TrackerConfig.localTest());
    int port = tracker.localAddress().getPort();
    groups = PeerGroups.create(1, 1);
    bob =
        NodeAssembly.start(
            PeerConfig.of("lobby", "bob", Identity.generate())
                .withTracker(new InetSocketAddress("127.0.0.1", port), false)
                .withTrackerRetry(50, 500),
            new InMemoryMessageStore(),
            groups,
            new PeerListener() {});
    for (int i = 0; i < 30; i++) {
      bob.send("m" + i).get(10, TimeUnit.SECONDS);
    }

    ann = plain("ann", port, "--scrollback", "5");
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> assertThat(ann.out).contains("── 25 earlier messages · /history for all ──"));
    await().atMost(WAIT).until(() -> ann.count("bob: m29") == 1);
    List<String> shown = messages(ann.out);
    assertThat(shown).containsExactly("m25", "m26", "m27", "m28", "m29");
    int divider = ann.out.indexOf("── 25 earlier messages · /history for all ──");
    assertThat(ann.out.get(divider + 1)).endsWith("bob: m25");

    ann.in.println("/history 4");
    await().atMost(WAIT).until(() -> ann.count("bob: m26") == 2);
    ann.in.println("/history");
    await().atMost(WAIT).until(() -> ann.count("bob: m22") == 1);
    assertThat(messages(ann.out.subList(ann.out.size() - 5, ann.out.size())))
        .containsExactly("m22", "m23", "m24", "m25");
    ann.in.println("/quit");
    assertThat(ann.process.waitFor(30, TimeUnit.SECONDS)).isTrue();

    bob.close();
    bob = null;
    ann = plain("ann", port, "--scrollback", "3");
    await().atMost(WAIT).until(() -> ann.count("── now ──") == 1);
    assertThat(ann.out).contains("── last 3 messages · /history for more ──");
    assertThat(messages(ann.out)).containsExactly("m27", "m28", "m29");
  }

  @Test
  void jsonReportsEveryCaughtUpMessageAsAMessageEvent() throws Exception {
    tracker = TrackerServer.start(TrackerConfig.localTest());
    int port = tracker.localAddress().getPort();
    groups = PeerGroups.create(1, 1);
    bob =
        NodeAssembly.start(
            PeerConfig.of("lobby", "bob", Identity.generate())
                .withTracker(new InetSocketAddress("127.0.0.1", port), false)
                .withTrackerRetry(50, 500),
            new InMemoryMessageStore(),
            groups,
            new PeerListener() {});
    for (int i = 0; i < 30; i++) {
      bob.send("m" + i).get(10, TimeUnit.SECONDS);
    }
    ann = CliProcessTest.Chat.start(tmp, "ann", port, "--scrollback", "5");
    await().atMost(WAIT).until(() -> ann.count("\"catch_up\":true") == 30);
    // printed right after the round's last message: read it, do not expect it read already
    await().atMost(WAIT).until(() -> ann.count("\"event\":\"caught-up\",\"count\":30") == 1);
  }

  /** The texts of the "HH:mm bob: mN" lines, in screen order. */
  private static List<String> messages(List<String> lines) {
    return lines.stream()
        .filter(l -> l.matches("\\d\\d:\\d\\d bob: m\\d+"))
        .map(l -> l.substring(l.indexOf(": ") + 2))
        .toList();
  }

  /** The chat without --json, through pipes: the lines a person would see. */
  private CliProcessTest.Chat plain(String nick, int port, String... more) throws Exception {
    java.util.List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "chat",
                "--nick",
                nick,
                "--tracker",
                "127.0.0.1:" + port,
                "--data",
                tmp.resolve(nick).toString()));
    args.addAll(List.of(more));
    return new CliProcessTest.Chat(
        CliProcessTest.java(args.toArray(String[]::new))
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start());
  }
}
