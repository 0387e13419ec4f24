package meshchat.peer.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import meshchat.peer.frame.LinkCodec;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.PeerId;
import meshchat.proto.v1.LinkFrame;
import org.junit.jupiter.api.Test;

/**
 * rev37 FINDING-1. A sealed body's nick and text are opened with {@code new String(.., UTF_8)},
 * which replaces every byte that is not well-formed UTF-8 with U+FFFD (three bytes): a member's
 * sealed nick of 128 bytes 0xFF passes the nick bound (128 bytes as sealed) and is taken as 128
 * U+FFFD, 384 bytes. A relay (or a history answer) seals the message again from those strings, and
 * the next peer refuses its frame ("nick bytes: 384", or "sealed bytes" for a text of 0xFF): the
 * honest relay's link is closed with INVALID_MESSAGE, each time it relays or serves that line. An
 * open room's proto3 string refuses such bytes at the first hop.
 */
class Rev37SealedMalformedUtf8Test {
  private static final RoomKey KEY = RoomKey.derive("lobby", "s3cret".toCharArray());
  private final PeerId eve = PeerId.fromHex("e1e2e3e4");

  /** What a hostile author seals: any plaintext bytes, as SealedBody.seal would seal them. */
  private byte[] sealRaw(long seq, byte[] nick, byte[] text) throws Exception {
    byte[] plain =
        ByteBuffer.allocate(4 + nick.length + text.length)
            .putInt(nick.length)
            .put(nick)
            .put(text)
            .array();
    return HostileSeal.seal(KEY, eve, seq, plain);
  }

  private LinkFrame chat(byte[] sealed) {
    return LinkFrame.newBuilder()
        .setChat(
            meshchat.proto.v1.ChatMessage.newBuilder()
                .setOrigin(ByteString.copyFrom(eve.toBytes()))
                .setSeq(1)
                .setLamport(1)
                .setPrev(ByteString.copyFrom(new byte[32]))
                .setSealed(ByteString.copyFrom(sealed)))
        .build();
  }

  private static ChatMessage message(LinkMessage read) {
    return read instanceof LinkMessage.Chat c
        ? c.message()
        : ((LinkMessage.Unsigned) read).message();
  }

  /**
   * Whatever a peer takes from a sealed frame, the frame it seals again for its next peer (a relay,
   * a history answer) is taken there: else one member's line closes every honest relay's links.
   */
  private void takenOnlyIfRelayable(LinkFrame f) {
    LinkMessage read;
    try {
      read = LinkCodec.fromFrame(f, KEY);
    } catch (RuntimeException refused) {
      return; // refused at the first hop: nobody relays it
    }
    ChatMessage m = message(read);
    LinkFrame relayed = LinkCodec.toFrame(new LinkMessage.Chat(m), KEY);
    assertThatCode(() -> LinkCodec.fromFrame(relayed, KEY))
        .as("the next peer reading what an honest relay re-sealed of a line it took")
        .doesNotThrowAnyException();
  }

  @Test
  void anOpenRoomRefusesANickThatIsNotUtf8AtTheFirstHop() {
    byte[] wire =
        LinkFrame.newBuilder()
            .setChat(
                meshchat.proto.v1.ChatMessage.newBuilder()
                    .setOrigin(ByteString.copyFrom(eve.toBytes()))
                    .setSeq(1)
                    .setLamport(1)
                    .setPrev(ByteString.copyFrom(new byte[32]))
                    .setText("hi")
                    .setNick("x".repeat(128)))
            .build()
            .toByteArray();
    String asLatin1 = new String(wire, StandardCharsets.ISO_8859_1);
    int at = asLatin1.indexOf("x".repeat(128));
    Arrays.fill(wire, at, at + 128, (byte) 0xFF);
    // proto3 refuses a string field that is not UTF-8 as it parses the frame
    assertThatThrownBy(() -> LinkCodec.fromFrame(LinkFrame.parseFrom(wire)))
        .isInstanceOf(Exception.class);
  }

  @Test
  void aSealedNickOfMalformedUtf8WithinTheBoundIsNotTakenToCloseTheRelaysLinks() throws Exception {
    LinkFrame f = chat(sealRaw(1, filled(128), "hi".getBytes(StandardCharsets.UTF_8)));
    takenOnlyIfRelayable(f);
  }

  @Test
  void aSealedTextOfMalformedUtf8WithinTheBoundIsNotTakenToCloseTheRelaysLinks() throws Exception {
    LinkFrame f = chat(sealRaw(1, "eve".getBytes(StandardCharsets.UTF_8), filled(65_536)));
    takenOnlyIfRelayable(f);
  }

  @Test
  void whatIsTakenIsWhatWasSealed() throws Exception {
    // the smallest case: one byte 0xFF in a nick comes out as three bytes
    LinkFrame f = chat(sealRaw(1, new byte[] {'e', (byte) 0xFF}, new byte[] {'h', 'i'}));
    LinkMessage read;
    try {
      read = LinkCodec.fromFrame(f, KEY);
    } catch (RuntimeException refused) {
      return;
    }
    assertThat(message(read).nick().getBytes(StandardCharsets.UTF_8))
        .as("the nick taken, in UTF-8, against the 2 bytes sealed")
        .hasSize(2);
  }

  @Test
  void aHistoryAnswerCarryingSuchALineIsTakenByTheNewcomerItIsSentTo() throws Exception {
    LinkFrame f = chat(sealRaw(1, filled(128), "hi".getBytes(StandardCharsets.UTF_8)));
    LinkMessage read;
    try {
      read = LinkCodec.fromFrame(f, KEY);
    } catch (RuntimeException refused) {
      return; // refused at the first hop: never stored, never served
    }
    // what the holder serves a newcomer's catch-up (a sync_batch, sealed again from its store)
    LinkFrame answer =
        LinkCodec.toFrame(
            new LinkMessage.SyncBatch(
                1, java.util.List.of(message(read)), true, java.util.List.of()),
            KEY);
    assertThatCode(() -> LinkCodec.fromFrame(answer, KEY))
        .as("the newcomer reading an honest holder's history answer")
        .doesNotThrowAnyException();
  }

  private static byte[] filled(int n) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) 0xFF);
    return b;
  }
}
