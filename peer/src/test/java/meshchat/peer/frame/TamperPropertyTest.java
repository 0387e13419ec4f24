package meshchat.peer.frame;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import java.util.List;
import java.util.Objects;
import meshchat.peer.identity.Identity;
import meshchat.peer.identity.MessageSigning;
import meshchat.peer.identity.RoomKey;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.MessageId;
import meshchat.proto.v1.LinkFrame;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Whatever single byte a relay changes in a signed message's frame, the receiver either cannot
 * decode it, or refuses it, or gets back exactly the author's message (a change Protobuf ignores).
 * An altered message is never accepted, in an open room or a sealed private one.
 */
class TamperPropertyTest {
  private static final Identity ALICE = Identity.seeded(new java.util.SplittableRandom(1));
  private static final Identity BOB = Identity.seeded(new java.util.SplittableRandom(2));
  private static final RoomKey KEY = RoomKey.derive("lobby", "s3cret".toCharArray());

  private static ChatMessage authored(String room) {
    return MessageSigning.signer(ALICE, room)
        .sign(
            new ChatMessage(
                new MessageId(ALICE.peerId(), 3),
                42,
                1_795_705_200_000L,
                "alice",
                "hi bob, see you at 5",
                List.of(new MessageId(BOB.peerId(), 7))));
  }

  /** What the receiver makes of the bytes: the accepted message, or null if refused. */
  private static ChatMessage receive(byte[] bytes, RoomKey key, String room) {
    try {
      LinkMessage m = LinkCodec.fromFrame(LinkFrame.parseFrom(bytes), key);
      if (!(m instanceof LinkMessage.Chat c)) {
        return null;
      }
      return MessageSigning.problem(c.message(), room) == null ? c.message() : null;
    } catch (InvalidProtocolBufferException | LinkFrameException e) {
      return null;
    }
  }

  private static void neverAcceptsAnAlteredMessage(RoomKey key, String room, int at, int xor) {
    ChatMessage original = authored(room);
    byte[] bytes = LinkCodec.toFrame(new LinkMessage.Chat(original), key).toByteArray();
    assertThat(receive(bytes, key, room)).isEqualTo(original);
    int i = Math.floorMod(at, bytes.length);
    bytes[i] ^= (byte) xor;
    ChatMessage got = receive(bytes, key, room);
    assertThat(got == null || Objects.equals(got, original))
        .as("byte %d ^ %d accepted as %s", i, xor, got)
        .isTrue();
  }

  @Property(tries = 400)
  void anOpenRoomMessage(@ForAll int at, @ForAll @IntRange(min = 1, max = 255) int xor) {
    neverAcceptsAnAlteredMessage(null, "lobby", at, xor);
  }

  @Property(tries = 400)
  void aSealedPrivateRoomMessage(@ForAll int at, @ForAll @IntRange(min = 1, max = 255) int xor) {
    neverAcceptsAnAlteredMessage(KEY, KEY.roomId(), at, xor);
  }
}
