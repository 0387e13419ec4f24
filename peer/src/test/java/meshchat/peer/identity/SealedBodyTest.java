package meshchat.peer.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import meshchat.peer.message.PeerId;
import org.junit.jupiter.api.Test;

class SealedBodyTest {
  private static final RoomKey KEY = RoomKey.derive("lobby", "s3cret".toCharArray());
  private final PeerId ann = PeerId.fromHex("a1a2a3a4");

  @Test
  void aBodyOpensWithTheRoomKeyAndHidesItsText() {
    byte[] sealed = SealedBody.seal(KEY, ann, 7, "ann", "meet at 5 ✓");
    assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("meet");
    assertThat(SealedBody.open(KEY, ann, 7, sealed))
        .isEqualTo(new SealedBody.Body("ann", "meet at 5 ✓", 3, 13));
  }

  /** A U+FFFD sent as such (valid UTF-8) opens as it was sealed: only malformed bytes refuse. */
  @Test
  void aReplacementCharacterSentAsSuchOpens() {
    byte[] sealed = SealedBody.seal(KEY, ann, 7, "a\uFFFDn", "x \uFFFD y");
    assertThat(SealedBody.open(KEY, ann, 7, sealed).nick()).isEqualTo("a\uFFFDn");
    assertThat(SealedBody.open(KEY, ann, 7, sealed).text()).isEqualTo("x \uFFFD y");
  }

  @Test
  void sealingIsDeterministicSoRelaysReencodeTheSameBytes() {
    assertThat(SealedBody.seal(KEY, ann, 7, "ann", "x"))
        .isEqualTo(SealedBody.seal(KEY, ann, 7, "ann", "x"));
  }

  @Test
  void aReusedSeqWithOtherTextStillGetsAnotherNonce() {
    byte[] one = SealedBody.seal(KEY, ann, 7, "ann", "yes");
    byte[] two = SealedBody.seal(KEY, ann, 7, "ann", "no!");
    assertThat(Arrays.copyOf(one, 12)).isNotEqualTo(Arrays.copyOf(two, 12));
  }

  @Test
  void aWrongSecretAMovedBodyOrAFlippedBitDoNotOpen() {
    byte[] sealed = SealedBody.seal(KEY, ann, 7, "ann", "hi");
    RoomKey wrong = RoomKey.derive("lobby", "guess".toCharArray());
    assertThatThrownBy(() -> SealedBody.open(wrong, ann, 7, sealed))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not open");
    assertThatThrownBy(() -> SealedBody.open(KEY, ann, 8, sealed)) // moved to another message
        .isInstanceOf(IllegalArgumentException.class);
    byte[] flipped = sealed.clone();
    flipped[flipped.length - 1] ^= 1;
    assertThatThrownBy(() -> SealedBody.open(KEY, ann, 7, flipped))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SealedBody.open(KEY, ann, 7, new byte[5]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theRoomIdDependsOnNameAndSecretAndNeverShowsTheName() {
    assertThat(KEY.roomId()).matches("p-[0-9a-f]{32}");
    assertThat(RoomKey.derive("lobby", "s3cret".toCharArray()).roomId()).isEqualTo(KEY.roomId());
    assertThat(RoomKey.derive("lobby2", "s3cret".toCharArray()).roomId())
        .isNotEqualTo(KEY.roomId());
  }
}
