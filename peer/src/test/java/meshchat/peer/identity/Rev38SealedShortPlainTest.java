package meshchat.peer.identity;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import meshchat.peer.message.PeerId;
import org.junit.jupiter.api.Test;

/**
 * rev38: a member (it holds the room key, so the body opens) seals a plaintext shorter than the
 * 4-byte nick length. {@code SealedBody.open} reads it with {@code ByteBuffer.getInt()}, which
 * throws {@code BufferUnderflowException}, not the {@code IllegalArgumentException} every caller
 * turns into {@code Close{INVALID_MESSAGE}} (LinkCodec, LinkFrameReader catch only that): the frame
 * reader's failure is a bug of ours to LinkErrors ("internal error", PROTOCOL_ERROR, BAD_FRAME) and
 * the peer's input is not refused as what it is.
 */
class Rev38SealedShortPlainTest {
  private static final RoomKey KEY = RoomKey.derive("lobby", "correct horse".toCharArray());

  @Test
  void aSealedPlaintextShorterThanItsLengthPrefixIsRefusedAsMalformed() throws Exception {
    PeerId origin = Identity.generate().peerId();
    long seq = 1;
    byte[] plain = {0, 1}; // two bytes: no room for the 4-byte nick length
    byte[] sealed = HostileSeal.seal(KEY, origin, seq, plain);

    assertThatThrownBy(() -> SealedBody.open(KEY, origin, seq, sealed))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
