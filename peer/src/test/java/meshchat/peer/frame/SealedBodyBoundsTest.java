package meshchat.peer.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import meshchat.peer.identity.RoomKey;
import meshchat.peer.identity.SealedBody;
import meshchat.peer.limit.WireBounds;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.PeerId;
import meshchat.proto.v1.LinkFrame;
import org.junit.jupiter.api.Test;

/**
 * WireBounds.MAX_NICK_BYTES and MAX_TEXT_BYTES hold for a private room's sealed bodies as for an
 * open room's clear ones (rev36 FINDING-2). The sealed body is bounded only as a whole (nick + text
 * + 32 bytes), and its nick length may split the plaintext anywhere: before, a member's chat or
 * nick change with a 60,000-byte nick was accepted, stored, shown on every line and taken into the
 * nick book and its journal, and a text could run 128 bytes over its bound.
 */
class SealedBodyBoundsTest {
  private static final RoomKey KEY = RoomKey.derive("lobby", "s3cret".toCharArray());
  private final PeerId a = PeerId.fromHex("a1a2a3a4");

  private LinkFrame chat(String nick, String text, RoomKey key) {
    meshchat.proto.v1.ChatMessage.Builder c =
        meshchat.proto.v1.ChatMessage.newBuilder()
            .setOrigin(ByteString.copyFrom(a.toBytes()))
            .setSeq(1)
            .setLamport(1)
            .setPrev(ByteString.copyFrom(new byte[32]));
    if (key == null) {
      c.setNick(nick).setText(text);
    } else {
      c.setSealed(ByteString.copyFrom(SealedBody.seal(key, a, 1, nick, text)));
    }
    return LinkFrame.newBuilder().setChat(c).build();
  }

  @Test
  void anOpenRoomRefusesANickOverTheBound() {
    String nick = "m".repeat(WireBounds.MAX_NICK_BYTES + 1);
    assertThatThrownBy(() -> LinkCodec.fromFrame(chat(nick, "hi", null)))
        .hasMessageContaining("nick bytes");
  }

  @Test
  void aPrivateRoomRefusesASealedNickOverTheBoundToo() {
    String nick = "m".repeat(60_000); // 469 times the bound; nick + text within the sealed bound
    assertThatThrownBy(() -> LinkCodec.fromFrame(chat(nick, "hi", KEY), KEY))
        .isInstanceOf(LinkFrameException.class)
        .hasMessageContaining("nick bytes");
    String oneOver = "m".repeat(WireBounds.MAX_NICK_BYTES + 1);
    assertThatThrownBy(() -> LinkCodec.fromFrame(chat(oneOver, "", KEY), KEY))
        .hasMessageContaining("nick bytes: 129");
  }

  @Test
  void aPrivateRoomRefusesASealedTextOverTheBound() {
    String text = "t".repeat(WireBounds.MAX_TEXT_BYTES + 1); // the sealed bound leaves 128 over
    assertThatThrownBy(() -> LinkCodec.fromFrame(chat("", text, KEY), KEY))
        .isInstanceOf(LinkFrameException.class)
        .hasMessageContaining("text bytes");
  }

  @Test
  void aSealedNickAndTextEachAtTheirBoundPass() {
    String nick = "é".repeat(WireBounds.MAX_NICK_BYTES / 2); // bytes, not chars, count
    String text = "t".repeat(WireBounds.MAX_TEXT_BYTES);
    LinkMessage read = LinkCodec.fromFrame(chat(nick, text, KEY), KEY);
    ChatMessage m =
        read instanceof LinkMessage.Chat c ? c.message() : ((LinkMessage.Unsigned) read).message();
    assertThat(m.nick()).isEqualTo(nick);
    assertThat(m.text()).isEqualTo(text);
  }
}
