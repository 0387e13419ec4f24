package meshchat.peer.app;

import static meshchat.peer.app.ChatProcesses.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LAN discovery between real processes on real hosts of one LAN, with no tracker anywhere: three
 * network namespaces (the hosts), each with a veth cable into a bridge in a fourth (the switch),
 * all created here. mDNS needs a multicast-capable interface, which the loopback of this and most
 * machines is not, and namespaces leave the machine's own interfaces alone.
 *
 * <p>Needs root (CI runs as root and sets MESHCHAT_REQUIRE_LAN=1, so there a missing privilege
 * fails instead of skipping). A developer without root skips it with the reason.
 */
class LanDiscoveryProcessTest {
  @TempDir Path tmp;
  private final String prefix = "mc" + Long.toHexString(System.nanoTime() & 0xffffffL);
  private final List<String> namespaces = new ArrayList<>();
  private final List<Chat> chats = new ArrayList<>();

  @BeforeEach
  void needsRoot() throws Exception {
    boolean root = "0".equals(run("id", "-u").strip());
    if (!root && "1".equals(System.getenv("MESHCHAT_REQUIRE_LAN"))) {
      throw new AssertionError("MESHCHAT_REQUIRE_LAN=1 but not root: cannot create namespaces");
    }
    Assumptions.assumeTrue(root, "LAN discovery test needs root for network namespaces");
  }

  @AfterEach
  void tearDown() throws Exception {
    for (Chat c : chats) {
      c.kill();
    }
    for (String ns : namespaces) {
      run("ip", "netns", "del", ns);
    }
  }

  @Test
  void peersOnOneLanFindEachOtherWithNoTracker() throws Exception {
    String sw = namespace("sw");
    ip("-n", sw, "link", "add", "br0", "type", "bridge");
    ip("-n", sw, "link", "set", "br0", "up");
    String[] hosts = new String[3];
    for (int i = 0; i < 3; i++) {
      hosts[i] = host(sw, i);
    }

    Chat ann = chat(hosts[0], "ann");
    Chat bob = chat(hosts[1], "bob");
    for (Chat c : List.of(ann, bob)) {
      await().atMost(WAIT).until(() -> c.count("\"event\":\"peer-up\"") == 1);
    }
    ann.in.println("over the LAN");
    await().atMost(WAIT).until(() -> bob.count("over the LAN") == 1);

    // a newcomer on a LAN where peers are already announced: what a user sees at start
    Chat cat = chat(hosts[2], "cat");
    await().atMost(WAIT).until(() -> cat.count("\"event\":\"ready\"") == 1);
    long ready = System.nanoTime();
    await().atMost(WAIT).until(() -> cat.count("\"event\":\"peer-up\"") == 2);
    long ms = (System.nanoTime() - ready) / 1_000_000;
    System.out.println("LAN newcomer linked to both peers " + ms + " ms after ready");
    await().atMost(WAIT).until(() -> cat.count("over the LAN") == 1); // history came along
    for (Chat c : List.of(ann, bob, cat)) {
      assertThat(c.out).noneMatch(l -> l.contains("tracker"));
    }
  }

  private String namespace(String role) throws Exception {
    String ns = prefix + role;
    ip("netns", "add", ns);
    namespaces.add(ns);
    ip("-n", ns, "link", "set", "lo", "up");
    return ns;
  }

  /** Host {@code i}: a namespace with 10.213.77.(i+1)/24 on a cable into the switch's bridge. */
  private String host(String sw, int i) throws Exception {
    String ns = namespace("h" + i);
    String inside = prefix + "h" + i;
    String outside = prefix + "s" + i;
    ip("link", "add", inside, "type", "veth", "peer", "name", outside);
    ip("link", "set", inside, "netns", ns);
    ip("link", "set", outside, "netns", sw);
    ip("-n", sw, "link", "set", outside, "master", "br0");
    ip("-n", sw, "link", "set", outside, "up");
    ip("-n", ns, "addr", "add", "10.213.77." + (i + 1) + "/24", "dev", inside);
    ip("-n", ns, "link", "set", inside, "up");
    return ns;
  }

  /** {@code chat --json --no-tracker} inside namespace {@code ns}. */
  private Chat chat(String ns, String nick) throws IOException {
    ProcessBuilder pb =
        ChatProcesses.javaOnTheLan(
            "chat",
            "--json",
            "--no-tracker",
            "--nick",
            nick,
            "--data",
            tmp.resolve(nick).toString());
    pb.command().addAll(0, List.of("ip", "netns", "exec", ns));
    Chat c = new Chat(pb.redirectError(ProcessBuilder.Redirect.DISCARD).start(), null);
    chats.add(c);
    return c;
  }

  private static void ip(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("ip"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError(String.join(" ", cmd) + " failed: " + out.strip());
    }
  }

  private static String run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(30, TimeUnit.SECONDS);
    return out;
  }
}
