package meshchat.peer.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import meshchat.peer.identity.KnownNicks;
import meshchat.tracker.TrackerConfig;
import meshchat.tracker.TrackerServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Trust on first use for nicks, with real processes: ann and bob meet alice; later a second key
 * calls itself alice. Its lines are marked on every line, with a fingerprint beside the nick, until
 * ann trusts it; {@code /whois} shows both full fingerprints; the data dir remembers.
 */
class NickTrustProcessTest {
  private static final Duration WAIT = Duration.ofSeconds(60); // a JVM start: 20 s when loaded
  @TempDir Path tmp;
  private final List<CliProcessTest.Chat> chats = new ArrayList<>();
  private TrackerServer tracker;

  @AfterEach
  void tearDown() {
    chats.forEach(c -> c.process.destroyForcibly());
    if (tracker != null) {
      tracker.close();
    }
  }

  @Test
  void aSecondKeyUsingAKnownNickIsMarkedUntilTrustedAndTheDataDirRemembers() throws Exception {
    tracker = TrackerServer.start(TrackerConfig.localTest());
    int port = tracker.localAddress().getPort();
    // ann reads plain lines, as a person on a pipe would; bob reads JSON
    CliProcessTest.Chat ann = plain(port, "ann");
    CliProcessTest.Chat bob = json(tmp, "bob", port);
    CliProcessTest.Chat alice = json(tmp, "alice", port);
    await().atMost(WAIT).until(() -> ann.count("* alice (") == 1 && bob.count("peer-up") == 2);
    alice.in.println("it is me");
    await().atMost(WAIT).until(() -> ann.count(" alice: it is me") == 1);
    await().atMost(WAIT).until(() -> bob.count("\"display_nick\":\"alice\",\"trusted\":true") == 2);
    String first = alice.peerId();
    alice.in.close();
    assertThat(alice.process.waitFor(30, TimeUnit.SECONDS)).isTrue();

    CliProcessTest.Chat other = json(tmp.resolve("elsewhere"), "alice", port);
    await().atMost(WAIT).until(() -> other.count("\"event\":\"ready\"") == 1);
    String second = other.peerId();
    String label = "alice·" + second.substring(0, Math.max(4, common(first, second) + 1));
    await().atMost(WAIT).until(() -> ann.count("* warning: " + label) == 1);
    // typed before its links are up, a line is concurrent with what ann already shows, and she
    // rightly shows it marked late: type once both links are up
    await().atMost(WAIT).until(() -> other.count("peer-up") == 2);
    other.in.println("it is me too");
    other.in.println("still me");
    await().atMost(WAIT).until(() -> ann.count(label + " (unknown key): ") == 2);
    assertThat(ann.out).anyMatch(l -> l.endsWith(label + " (unknown key): it is me too"));
    await()
        .atMost(WAIT)
        .until(
            () ->
                bob.count("\"event\":\"nick-warning\",\"peer\":\"" + second) == 1
                    && bob.count("\"display_nick\":\"" + label + "\",\"trusted\":false") == 3);

    ann.in.println("/whois alice");
    await().atMost(WAIT).until(() -> ann.count(grouped(second)) == 1);
    assertThat(ann.out)
        .anyMatch(l -> l.contains(grouped(first)) && l.contains("trusted: first seen"))
        .anyMatch(l -> l.contains(grouped(second)) && l.contains("NOT trusted"));

    ann.in.println("/trust alice");
    await().atMost(WAIT).until(() -> ann.count("trusted for alice: " + grouped(second)) == 1);
    other.in.println("trusted now");
    await().atMost(WAIT).until(() -> ann.count(label + ": trusted now") == 1);
    assertThat(ann.out).noneMatch(l -> l.contains("(unknown key): trusted now"));

    ann.in.close();
    assertThat(ann.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    List<String> known = Files.readAllLines(tmp.resolve("ann").resolve(KnownNicks.FILE));
    String annId = peerIdOf(tmp.resolve("ann"));
    assertThat(known)
        .anyMatch(l -> l.startsWith("ann " + annId + " first "))
        .anyMatch(l -> l.startsWith("alice " + first + " first "))
        .anyMatch(l -> l.startsWith("alice " + second + " trusted "));
    // bob trusted nothing: the second alice is still marked on his next start
    List<String> bobKnown = Files.readAllLines(tmp.resolve("bob").resolve(KnownNicks.FILE));
    assertThat(bobKnown).noneMatch(l -> l.contains(second));
  }

  private static String peerIdOf(Path dataDir) throws Exception {
    return Files.readString(dataDir.resolve("peer-id")).strip();
  }

  private static int common(String a, String b) {
    int n = 0;
    while (n < a.length() && n < b.length() && a.charAt(n) == b.charAt(n)) {
      n++;
    }
    return n;
  }

  /** As /whois prints a fingerprint: groups of four hex digits. */
  private static String grouped(String hex) {
    return String.join(" ", hex.split("(?<=\\G.{4})"));
  }

  private CliProcessTest.Chat json(Path data, String nick, int port) throws Exception {
    CliProcessTest.Chat c = CliProcessTest.Chat.start(data, nick, port);
    chats.add(c);
    return c;
  }

  private CliProcessTest.Chat plain(int port, String nick) throws Exception {
    CliProcessTest.Chat c =
        new CliProcessTest.Chat(
            CliProcessTest.java(
                    "chat",
                    "--nick",
                    nick,
                    "--tracker",
                    "127.0.0.1:" + port,
                    "--data",
                    tmp.resolve(nick).toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start());
    chats.add(c);
    return c;
  }
}
