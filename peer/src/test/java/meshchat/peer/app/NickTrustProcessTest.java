package meshchat.peer.app;

import static meshchat.peer.app.ChatProcesses.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import meshchat.peer.identity.KnownNicks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Trust on first use for nicks, with real processes: ann and bob meet alice; later a second key
 * calls itself alice. Its lines are marked on every line, with a fingerprint beside the nick, until
 * ann trusts it; {@code /whois} shows both full fingerprints; the data dir remembers.
 */
class NickTrustProcessTest {
  @RegisterExtension final ChatProcesses procs = new ChatProcesses();

  private static String untrusted(String label) {
    return "\"display_nick\":\"" + label + "\",\"trusted\":false";
  }

  @Test
  void aSecondKeyUsingAKnownNickIsMarkedUntilTrustedAndTheDataDirRemembers() throws Exception {
    int port = procs.trackerPort();
    Path tmp = procs.dir();
    // ann reads plain lines, as a person on a pipe would; bob reads JSON
    Chat ann = procs.plain("ann");
    Chat bob = procs.chat("bob");
    Chat alice = procs.chat("alice");
    await().atMost(WAIT).until(() -> ann.count("* alice (") == 1 && bob.count("peer-up") == 2);
    alice.in.println("it is me");
    await().atMost(WAIT).until(() -> ann.count(" alice: it is me") == 1);
    // bob's peer-up for alice and her line are labelled trusted; a link that flaps on a loaded
    // box (idle or handshake timeouts) adds a peer-up each time, so they are counted by kind
    String trustedAlice = "\"display_nick\":\"alice\",\"trusted\":true";
    await()
        .atMost(WAIT)
        .until(
            () ->
                bob.count("\"event\":\"peer-up\"", trustedAlice) >= 1
                    && bob.count("\"event\":\"message\"", trustedAlice) == 1);
    String first = alice.peerId();
    alice.leave();

    Chat other = procs.chat(tmp.resolve("elsewhere"), "alice", port);
    await().atMost(WAIT).until(other::ready);
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
                    && bob.count("\"event\":\"peer-up\"", untrusted(label)) >= 1
                    && bob.count("\"event\":\"message\"", untrusted(label)) == 2);
    assertThat(bob.out)
        .as("the second alice is never labelled trusted for bob, who trusted nothing")
        .noneMatch(l -> l.contains("\"peer\":\"" + second) && l.contains("\"trusted\":true"));

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

    ann.leave();
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

  @Test
  void aNickThatOnlyLooksLikeAKnownOneIsMarkedAsThatNick() throws Exception {
    Chat ann = procs.plain("ann");
    Chat alice = procs.chat("alice");
    await().atMost(WAIT).until(() -> ann.count("* alice (") == 1);
    String first = alice.peerId();
    // a capital I, which most terminal fonts draw as a lower-case l (ASCII, so that no locale of
    // the test's processes can mangle it)
    Chat fake = procs.chat("aIice");
    await().atMost(WAIT).until(() -> fake.ready() && fake.count("peer-up") == 2);
    String second = fake.peerId();
    String label = "aIice·" + second.substring(0, Math.max(4, common(first, second) + 1));
    await().atMost(WAIT).until(() -> ann.count("* warning: " + label + " (") == 1);
    assertThat(ann.out)
        .anyMatch(l -> l.startsWith("* warning: " + label) && l.contains(") looks like alice and"));
    fake.in.println("hi, it is alice");
    await().atMost(WAIT).until(() -> ann.count(label + " (unknown key): hi, it is alice") == 1);
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
}
