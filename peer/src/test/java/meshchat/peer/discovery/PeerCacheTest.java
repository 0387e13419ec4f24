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

  /** A peer at an address of its own (the port picks it), so per-source bounds do not bind. */
  private PeerAddress peer(String nick, int port) {
    return new PeerAddress(PeerId.random(random), nick, host(port), port);
  }

  private static String host(int n) {
    return "10." + (n >> 16 & 255) + "." + (n >> 8 & 255) + "." + (n & 255);
  }

  /** A cache whose writes run on the caller's thread, so that the file can be read at once. */
  private PeerCache load(Path file) {
    return PeerCache.load(file, problems::add, System.currentTimeMillis(), Runnable::run);
  }

  @Test
  void whatIsSeenSurvivesARestartPerRoomMostRecentFirst() {
    Path file = dir.resolve("peers");
    PeerCache c = load(file);
    PeerAddress ann = peer("ann\tthe\nfirst", 1000); // a hostile nick cannot break the format
    PeerAddress bob = peer("bob", 1001);
    PeerAddress cat = peer("cat", 1002);
    c.seen("lobby", ann, 10);
    c.seen("lobby", bob, 20);
    c.seen("other room", cat, 30);

    PeerCache again = load(file);
    assertThat(problems).isEmpty();
    assertThat(again.peers("lobby")).containsExactly(bob, ann);
    assertThat(again.peers("other room")).containsExactly(cat);
    assertThat(again.peers("nowhere")).isEmpty();
    assertThat(Files.exists(dir.resolve("peers.tmp"))).isFalse(); // renamed, not left behind
  }

  @Test
  void aMovedPeerIsRewrittenAndAFresherTimeAloneWaitsForTheNextFlush() {
    Path file = dir.resolve("peers");
    PeerCache c = load(file);
    PeerAddress ann = peer("ann", 1000);
    c.seen("lobby", ann, 10);
    PeerAddress moved = new PeerAddress(ann.peerId(), "ann", ann.host(), 2000);
    c.seen("lobby", moved, 20);
    assertThat(load(file).peers("lobby")).containsExactly(moved);
  }

  /**
   * rev27 F1: a member chooses its host. Written raw, a tab and newline in it wrote cache lines of
   * its choosing (any id at any address, seen far in the future, so never trimmed).
   */
  @Test
  void aHostCannotWriteLinesOfItsOwnAndNoLineCanPinItself() throws Exception {
    Path file = dir.resolve("peers");
    PeerCache c = load(file);
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
    PeerCache again = load(file);
    assertThat(problems).isEmpty();
    assertThat(again.peers("lobby")).containsExactly(name, v6); // the hostile host is not kept
    assertThat(Files.readString(file)).doesNotContain(forged.hex()).doesNotContain("fe80::1%eth0");

    // a line seen "in the future" (a file edited by hand, or written by an older version) is read
    // as seen now: it is trimmed like any other
    String future = "lobby\t" + forged.hex() + "\t203.0.113.66\t7\t9000000000000000000\tforged\n";
    Files.writeString(file, Files.readString(file) + future, StandardCharsets.UTF_8);
    PeerCache read = PeerCache.load(file, problems::add, 1_000, Runnable::run);
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
    PeerCache c = load(file);
    List<PeerAddress> all = new ArrayList<>();
    for (int i = 0; i < PeerCache.MAX_ENTRIES + 20; i++) {
      PeerAddress a = peer("p" + i, 1000 + i);
      all.add(a);
      c.seen("lobby", a, i);
    }
    PeerCache again = load(file);
    assertThat(again.size()).isEqualTo(PeerCache.MAX_ENTRIES);
    // the least recently seen went first
    assertThat(again.peers("lobby")).doesNotContain(all.get(0)).contains(all.get(all.size() - 1));
  }

  @Test
  void aCorruptFileIsReportedInOneLineAndIgnored() throws Exception {
    Path file = dir.resolve("peers");
    PeerCache good = load(file);
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
      PeerCache c = load(file);
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
    assertThat(load(file).size()).isZero();
    assertThat(problems).hasSize(1);
  }

  @Test
  void aMissingFileIsAnEmptyCacheAndAnUnwritableDirIsNoCrash() throws Exception {
    PeerCache c = load(dir.resolve("absent/peers"));
    assertThat(problems).isEmpty();
    assertThat(c.size()).isZero();
    c.seen("lobby", peer("ann", 1000), 1); // the directory does not exist: logged, not thrown
    assertThat(c.peers("lobby")).hasSize(1);
  }

  /**
   * rev29 F5: keys cost nothing, addresses do. Whatever number of keys one source (an address, or
   * an IPv6 /64) brings, it holds at most {@link PeerCache#MAX_PER_SOURCE} entries of a room, and a
   * peer linked right now is the last to go when the cache is full: its last-seen is now.
   */
  @Test
  void oneSourceHoldsAtMostItsShareAndALinkedPeerOutlastsAFlood() throws Exception {
    Path file = dir.resolve("peers");
    PeerCache c = load(file);
    PeerAddress bob = peer("bob", 1);
    PeerAddress ann = peer("ann", 2);
    c.seen("lobby", bob, 1);
    c.linked("lobby", bob.peerId(), true, 1);
    c.seen("lobby", ann, 2); // met once, not linked now
    for (int i = 0; i < 300; i++) {
      String host = i % 2 == 0 ? "203.0.113.9" : "2001:db8:0:1::" + Integer.toHexString(i + 1);
      c.seen("lobby", new PeerAddress(PeerId.random(random), "k", host, 7000), 10 + i);
    }
    List<PeerAddress> kept = load(file).peers("lobby");
    assertThat(kept).contains(bob, ann).hasSize(2 + 2 * PeerCache.MAX_PER_SOURCE);
    assertThat(kept)
        .filteredOn(a -> a.host().equals("203.0.113.9"))
        .hasSize(PeerCache.MAX_PER_SOURCE);

    // a full cache of peers with an address each, all seen after bob: bob, linked, stays
    for (int i = 0; i < PeerCache.MAX_ENTRIES + 10; i++) {
      c.seen("lobby", peer("p" + i, 1_000 + i), 1_000 + i);
    }
    assertThat(load(file).peers("lobby"))
        .contains(bob)
        .doesNotContain(ann)
        .hasSize(PeerCache.MAX_ENTRIES);
    c.linked("lobby", bob.peerId(), false, 5_000); // its link goes: seen then, trimmed like any
    for (int i = 0; i < PeerCache.MAX_ENTRIES; i++) {
      c.seen("lobby", peer("q" + i, 3_000 + i), 6_000 + i);
    }
    assertThat(load(file).peers("lobby")).doesNotContain(bob);
  }

  /**
   * The bound is per network (an IPv6 /48, NetGroup.site), not per /64: a /48 is 65,536 /64s, and
   * 200 keys from 200 of them held 128 entries, every honest peer pushed out.
   */
  @Test
  void theSlash64sOfOneSlash48ShareOneShare() throws Exception {
    Path file = dir.resolve("peers");
    PeerCache c = load(file);
    PeerAddress ann = peer("ann", 2);
    c.seen("lobby", ann, 2);
    for (int i = 0; i < 200; i++) {
      String host = "2001:db8:7:" + Integer.toHexString(i + 1) + "::1";
      c.seen("lobby", new PeerAddress(PeerId.random(random), "k", host, 7000), 10 + i);
    }
    PeerAddress other = new PeerAddress(PeerId.random(random), "o", "2001:db8:8:1::1", 7000);
    c.seen("lobby", other, 300);
    assertThat(load(file).peers("lobby"))
        .contains(ann, other)
        .hasSize(2 + PeerCache.MAX_PER_SOURCE);
  }

  /** A file written before the per-source bound (a flood then) is trimmed to it when read. */
  @Test
  void aFileFloodedFromOneSourceIsTrimmedWhenRead() throws Exception {
    Path file = dir.resolve("peers");
    PeerCache c = load(file);
    PeerAddress bob = peer("bob", 1);
    c.seen("lobby", bob, 1);
    StringBuilder flood = new StringBuilder(Files.readString(file));
    for (int i = 0; i < 100; i++) {
      flood
          .append("lobby\t")
          .append(PeerId.random(random).hex())
          .append("\t203.0.113.9\t7000\t")
          .append(10 + i)
          .append("\tk\n");
    }
    Files.writeString(file, flood);
    List<PeerAddress> read = load(file).peers("lobby");
    assertThat(problems).isEmpty();
    assertThat(read).contains(bob).hasSize(1 + PeerCache.MAX_PER_SOURCE);
  }

  /**
   * The room thread never writes the file: it hands a snapshot to the writer, and changes while a
   * write is queued fold into that one write. The write is whole and atomic as before.
   */
  @Test
  void writesLeaveTheCallersThreadOneQueuedAtATimeHoldingTheNewest() throws Exception {
    Path file = dir.resolve("peers");
    List<Runnable> queued = new ArrayList<>();
    PeerCache c = PeerCache.load(file, problems::add, 0, queued::add);
    List<PeerAddress> met = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      PeerAddress a = peer("p" + i, 1_000 + i);
      met.add(a);
      c.seen("lobby", a, i);
    }
    assertThat(Files.exists(file)).as("nothing written on the caller's thread").isFalse();
    assertThat(queued).as("one write queued for a hundred changes").hasSize(1);
    queued.remove(0).run();
    assertThat(load(file).peers("lobby")).containsExactlyInAnyOrderElementsOf(met);
    assertThat(Files.exists(dir.resolve("peers.tmp"))).isFalse();

    PeerAddress late = peer("late", 5_000);
    c.seen("lobby", late, 200);
    assertThat(queued).as("a change after the write queues the next").hasSize(1);
    c.flush(); // at shutdown: written at once, on the caller's thread
    assertThat(load(file).peers("lobby")).contains(late);
    Files.delete(file);
    queued.remove(0).run(); // the queued write holds nothing newer than the flush: skipped
    assertThat(Files.exists(file)).isFalse();
  }
}
