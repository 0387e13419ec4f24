package meshchat.peer.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import meshchat.peer.identity.Identity;
import meshchat.peer.identity.RoomKey;
import meshchat.peer.message.PeerId;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class LanTagTest {
  private static final RoomKey KEY = RoomKey.derive("plans", "correct horse".toCharArray());
  private static final RoomKey WRONG = RoomKey.derive("plans", "battery staple".toCharArray());
  private static final PeerId ME = Identity.seeded(new SplittableRandom(1)).peerId();
  private static final byte[] NONCE = {1, 2, 3, 4, 5, 6, 7, 8};
  private static final long EPOCH = LanTag.epoch(1_800_000_000_000L);

  @Test
  void aMemberReadsThePeerIdInItsOwnAndTheNeighbouringEpochsOnly() {
    LanTag tag = LanTag.of(KEY);
    Map<String, String> txt = tag.announce(ME, EPOCH, NONCE);
    assertThat(tag.read(txt, EPOCH)).contains(ME);
    assertThat(tag.read(txt, EPOCH - 1)).contains(ME);
    assertThat(tag.read(txt, EPOCH + 1)).contains(ME);
    assertThat(tag.read(txt, EPOCH + 2)).isEmpty();
    assertThat(LanTag.open("lobby").read(LanTag.open("lobby").announce(ME, EPOCH, NONCE), EPOCH))
        .contains(ME);
  }

  @Test
  void anotherRoomOrSecretReadsNothing() {
    Map<String, String> txt = LanTag.of(KEY).announce(ME, EPOCH, NONCE);
    assertThat(LanTag.of(WRONG).read(txt, EPOCH)).isEmpty();
    assertThat(LanTag.open("plans").read(txt, EPOCH)).isEmpty();
    assertThat(LanTag.open(KEY.roomId()).read(txt, EPOCH)).isEmpty();
    assertThat(LanTag.open("lobby").read(LanTag.open("ops").announce(ME, EPOCH, NONCE), EPOCH))
        .isEmpty();
  }

  @Test
  void theAnnouncementNamesNeitherRoomNorRoomIdNorPeerAndChangesEveryEpoch() {
    LanTag tag = LanTag.of(KEY);
    Map<String, String> now = tag.announce(ME, EPOCH, NONCE);
    Map<String, String> next = tag.announce(ME, EPOCH + 1, NONCE);
    String all = now.toString() + next;
    assertThat(all)
        .doesNotContain("plans")
        .doesNotContain(KEY.roomId())
        .doesNotContain(KEY.roomId().substring(2, 18))
        .doesNotContain(ME.hex())
        .doesNotContain(ME.hex().substring(0, 16));
    assertThat(now.get("r")).isNotEqualTo(next.get("r"));
    assertThat(now.get("p")).isNotEqualTo(next.get("p"));
    // a fresh nonce in the same epoch: the sealed id differs too
    assertThat(tag.announce(ME, EPOCH, new byte[8]).get("p")).isNotEqualTo(now.get("p"));
    assertThat(now).containsOnlyKeys("v", "r", "n", "p");
  }

  @Test
  void garbageIsIgnored() {
    LanTag tag = LanTag.of(KEY);
    Map<String, String> good = tag.announce(ME, EPOCH, NONCE);
    for (String key : good.keySet()) {
      Map<String, String> broken = new HashMap<>(good);
      broken.remove(key);
      assertThat(tag.read(broken, EPOCH)).as("without " + key).isEmpty();
      broken.put(key, "zz");
      assertThat(tag.read(broken, EPOCH)).as("bad " + key).isEmpty();
    }
    Map<String, String> huge = new HashMap<>(good);
    huge.put("p", "00".repeat(PeerId.MAX_BYTES + 1));
    assertThat(tag.read(huge, EPOCH)).isEmpty();
    Map<String, String> empty = new HashMap<>(good);
    empty.put("p", "");
    assertThat(tag.read(empty, EPOCH)).isEmpty();
  }

  @Property(tries = 300)
  void noRecordMakesTheReaderThrow(
      @ForAll String v, @ForAll String r, @ForAll String n, @ForAll String p, @ForAll long epoch) {
    Map<String, String> txt = new HashMap<>();
    txt.put("v", v);
    txt.put("r", r);
    txt.put("n", n);
    txt.put("p", p);
    LanTag.of(KEY).read(txt, epoch);
    LanTag.open("lobby").read(txt, epoch);
  }
}
