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
            "lobby\tabcd\t127.0.0.1\t1\t1\t%zz")) {
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
