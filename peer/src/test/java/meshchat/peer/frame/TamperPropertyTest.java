package meshchat.peer.frame;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import meshchat.peer.identity.ChainAuthor;
import meshchat.peer.identity.Identity;
import meshchat.peer.identity.RoomKey;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Whatever single byte a relay changes in a chained message's frame or in its head's frame, the
 * receiver either cannot decode it, or refuses it, or gets back exactly the author's message (a
 * change Protobuf ignores). An altered message is never accepted, in an open room or a sealed
 * private one.
 */
class TamperPropertyTest {
  private static final Identity ALICE = Identity.seeded(new SplittableRandom(1));
  private static final RoomKey KEY = RoomKey.derive("lobby", "s3cret".toCharArray());

  /** What the receiver makes of the two frames: the accepted message, or null if refused. */
  private static ChatMessage receive(byte[] chat, byte[] head, RoomKey key, String room) {
    try {
      ChainCheck check = new ChainCheck(room);
      // as a link reads them: open rooms' chat and head frames straight into records
      LinkMessage c = LinkFrameDecoder.decode(chat, key);
      LinkMessage h = LinkFrameDecoder.decode(head, key);
      if (!(c instanceof LinkMessage.Chat cm) || !(h instanceof LinkMessage.Head hm)) {
        return null;
      }
      check.onChat(cm.message());
      List<LinkMessage> out = check.onHead(hm.head());
      return out.isEmpty() ? null : ((LinkMessage.Chat) out.get(0)).message();
    } catch (InvalidProtocolBufferException | LinkFrameException | ChainCheck.Refused e) {
      return null;
    } catch (IllegalArgumentException e) {
      return null; // a record refused a value (e.g. a hash of the wrong length)
    }
  }

  private static void neverAcceptsAnAlteredMessage(
      RoomKey key, String room, int at, int xor, boolean inHead) {
    ChainAuthor alice = new ChainAuthor(ALICE, room);
    alice.next("before");
    ChatMessage original = alice.next("hi bob, see you at 5");
    byte[] chat = LinkCodec.toFrame(new LinkMessage.Chat(original), key).toByteArray();
    byte[] head = LinkCodec.toFrame(new LinkMessage.Head(alice.head()), key).toByteArray();
    assertThat(receive(chat, head, key, room)).isEqualTo(original);
    byte[] target = inHead ? head : chat;
    int i = Math.floorMod(at, target.length);
    target[i] ^= (byte) xor;
    ChatMessage got = receive(chat, head, key, room);
    assertThat(got == null || Objects.equals(got, original))
        .as("byte %d ^ %d accepted as %s", i, xor, got)
        .isTrue();
  }

  @Property(tries = 300)
  void anOpenRoomMessage(
      @ForAll int at, @ForAll @IntRange(min = 1, max = 255) int xor, @ForAll boolean inHead) {
    neverAcceptsAnAlteredMessage(null, "lobby", at, xor, inHead);
  }

  @Property(tries = 300)
  void aSealedPrivateRoomMessage(
      @ForAll int at, @ForAll @IntRange(min = 1, max = 255) int xor, @ForAll boolean inHead) {
    neverAcceptsAnAlteredMessage(KEY, KEY.roomId(), at, xor, inHead);
  }
}
