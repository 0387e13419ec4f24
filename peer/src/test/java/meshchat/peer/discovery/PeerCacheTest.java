package meshchat.peer.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import meshchat.peer.message.LinkMessage.PeerAddress;
import meshchat.peer.message.PeerId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PeerCacheTest {
  @TempDir Path dir;
  private final SplittableRandom random = new SplittableRandom(7);
  private final List<String> problems = new ArrayList<>();

  private PeerAddress peer(String nick, int port) {
    return new PeerAddress(PeerId.random(random), nick, "127.0.0.1", port);
  }

  @Test
  void whatIsSeenSurvivesARestartPerRoomMostRecentFirst() {
    Path file = dir.resolve("peers");
    PeerCache c = PeerCache.load(file, problems::add);
    PeerAddress ann = peer("ann\tthe\nfirst", 1000); // a hostile nick cannot break the format
    PeerAddress bob = peer("bob", 1001);
    PeerAddress cat = peer("cat", 1002);
    c.seen("lobby", ann, 10);
    c.seen("lobby", bob, 20);
    c.seen("other room", cat, 30);

    PeerCache again = PeerCache.load(file, problems::add);
    assertThat(problems).isEmpty();
    assertThat(again.peers("lobby")).containsExactly(bob, ann);
    assertThat(again.peers("other room")).containsExactly(cat);
    assertThat(again.peers("nowhere")).isEmpty();
    assertThat(Files.exists(dir.resolve("peers.tmp"))).isFalse(); // renamed, not left behind
  }

  @Test
  void aMovedPeerIsRewrittenAndAFresherTimeAloneWaitsForTheNextFlush() {
    Path file = dir.resolve("peers");
    PeerCache c = PeerCache.load(file, problems::add);
    PeerAddress ann = peer("ann", 1000);
    c.seen("lobby", ann, 10);
    PeerAddress moved = new PeerAddress(ann.peerId(), "ann", "127.0.0.1", 2000);
    c.seen("lobby", moved, 20);
    assertThat(PeerCache.load(file, problems::add).peers("lobby")).containsExactly(moved);
  }

  /**
   * rev27 F1: a member chooses its host. Written raw, a tab and newline in it wrote cache lines of
   * its choosing (any id at any address, seen far in the future, so never trimmed).
   */
  @Test
  void aHostCannotWriteLinesOfItsOwnAndNoLineCanPinItself() throws Exception {
    Path file = dir.resolve("peers");
    PeerCache c = PeerCache.load(file, problems::add);
    PeerId forged = PeerId.random(random);
    PeerAddress hostile =
        new PeerAddress(
            PeerId.random(random),
            "mal",
            "h\t1\t1\tn\nlobby\t" + forged.hex() + "\t203.0.113.66\t7\t9000000000000000000\tx",
            7000);
    c.seen("lobby", hostile, 10);
    PeerAddress v6 = new PeerAddress(PeerId.random(random), "ann", "fe80::1%eth0", 1000);
    PeerAddress name = new PeerAddress(PeerId.random(random), "bob", "chat.example.org", 1001);
    c.seen("lobby", v6, 20);
    c.seen("lobby", name, 30);
    PeerCache again = PeerCache.load(file, problems::add);
    assertThat(problems).isEmpty();
    assertThat(again.peers("lobby")).containsExactly(name, v6); // the hostile host is not kept
    assertThat(Files.readString(file)).doesNotContain(forged.hex()).doesNotContain("fe80::1%eth0");

    // a line seen "in the future" (a file edited by hand, or written by an older version) is read
    // as seen now: it is trimmed like any other
    String future = "lobby\t" + forged.hex() + "\t203.0.113.66\t7\t9000000000000000000\tforged\n";
    Files.writeString(file, Files.readString(file) + future, StandardCharsets.UTF_8);
    PeerCache read = PeerCache.load(file, problems::add, 1_000);
    assertThat(problems).isEmpty();
    assertThat(read.peers("lobby").get(0).peerId()).isEqualTo(forged);
    for (int i = 0; i < PeerCache.MAX_ENTRIES; i++) {
      read.seen("lobby", peer("p" + i, 2000 + i), 1_001 + i);
    }
    assertThat(read.peers("lobby")).extracting(PeerAddress::peerId).doesNotContain(forged);
  }

  @Test
  void theCacheIsBounded() {
    Path file = dir.resolve("peers");
    PeerCache c = PeerCache.load(file, problems::add);
    List<PeerAddress> all = new ArrayList<>();
    for (int i = 0; i < PeerCache.MAX_ENTRIES + 20; i++) {
      PeerAddress a = peer("p" + i, 1000 + i);
      all.add(a);
      c.seen("lobby", a, i);
    }
    PeerCache again = PeerCache.load(file, problems::add);
    assertThat(again.size()).isEqualTo(PeerCache.MAX_ENTRIES);
    // the least recently seen went first
    assertThat(again.peers("lobby")).doesNotContain(all.get(0)).contains(all.get(all.size() - 1));
  }

  @Test
  void aCorruptFileIsReportedInOneLineAndIgnored() throws Exception {
    Path file = dir.resolve("peers");
    PeerCache good = PeerCache.load(file, problems::add);
    good.seen("lobby", peer("ann", 1000), 1);
    for (String garbage :
        List.of(
            "lobby\tnot-hex\t127.0.0.1\t1\t1\tx",
            "lobby\tabcd\t127.0.0.1\t99999\t1\tx",
            "only three\tfields\there",
            "lobby\tabcd\t127.0.0.1\t1\t1\t%zz",
            "lobby\tabcd\ta b\t1\t1\tx")) {
      Files.writeString(
          file, Files.readString(file) + garbage + "\n", StandardCharsets.UTF_8); // appended
      problems.clear();
      PeerCache c = PeerCache.load(file, problems::add);
      assertThat(problems).hasSize(1);
      assertThat(problems.get(0))
          .contains(file.toString())
          .contains("corrupt")
          .doesNotContain("\n");
      assertThat(c.size()).isZero();
      Files.writeString(file, Files.readString(file).replace(garbage + "\n", ""));
    }
    Files.write(file, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, 2}); // not even UTF-8
    problems.clear();
    assertThat(PeerCache.load(file, problems::add).size()).isZero();
    assertThat(problems).hasSize(1);
  }

  @Test
  void aMissingFileIsAnEmptyCacheAndAnUnwritableDirIsNoCrash() throws Exception {
    PeerCache c = PeerCache.load(dir.resolve("absent/peers"), problems::add);
    assertThat(problems).isEmpty();
    assertThat(c.size()).isZero();
    c.seen("lobby", peer("ann", 1000), 1); // the directory does not exist: logged, not thrown
    assertThat(c.peers("lobby")).hasSize(1);
  }
}
