package meshchat.peer.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import meshchat.peer.identity.ChainAuthor;
import meshchat.peer.identity.Identity;
import meshchat.peer.message.LinkMessage;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * The decoder reads the frames of a link in direct buffers (as TLS hands them on) into one array
 * kept from frame to frame: each frame reads as it does alone, whatever came before it, small or
 * past the kept array's size; every buffer is released; a bad frame fails as a {@code
 * DecoderException}, as the {@code MessageToMessageDecoder} it was failed.
 */
class LinkFrameDecoderTest {
  private static final String ROOM = "lobby";

  /**
   * Frames as a peer writes them, unprefixed: chats of any length, heads, a digest now and then.
   */
  private static List<byte[]> frames(long seed, int n) {
    SplittableRandom r = new SplittableRandom(seed);
    ChainAuthor a = new ChainAuthor(Identity.seeded(r.split()), ROOM);
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      LinkMessage m;
      int pick = r.nextInt(10);
      if (pick == 0 && !a.written().isEmpty()) {
        m = new LinkMessage.Head(a.head());
      } else if (pick == 1) {
        m = new LinkMessage.Digest(List.of(), r.nextBoolean());
      } else {
        int size = r.nextInt(8) == 0 ? LinkFrameDecoder.KEPT + r.nextInt(4_000) : r.nextInt(400);
        m = new LinkMessage.Chat(a.next("x".repeat(size)));
      }
      out.add(LinkCodec.toFrame(m).toByteArray());
    }
    return out;
  }

  private static ByteBuf direct(byte[] frame) {
    ByteBuf b = Unpooled.directBuffer(frame.length);
    b.writeBytes(frame);
    return b;
  }

  @Property(tries = 20)
  void framesReadInTurnFromDirectBuffersReadAsEachAlone(@ForAll long seed) {
    List<byte[]> frames = frames(seed, 40);
    EmbeddedChannel link = new EmbeddedChannel(new LinkFrameDecoder(null), new LinkCodec());
    List<ByteBuf> sent = new ArrayList<>();
    for (byte[] f : frames) {
      ByteBuf b = direct(f);
      sent.add(b);
      link.writeInbound(b);
    }
    List<Object> read = Inbound.drain(link);
    assertThat(read).hasSize(frames.size());
    for (int i = 0; i < frames.size(); i++) {
      EmbeddedChannel alone = new EmbeddedChannel(new LinkFrameDecoder(null), new LinkCodec());
      alone.writeInbound(direct(frames.get(i)));
      Object m = alone.readInbound();
      assertThat(read.get(i)).isEqualTo(m);
      alone.finishAndReleaseAll();
    }
    assertThat(sent).allSatisfy(b -> assertThat(b.refCnt()).isZero());
    link.finishAndReleaseAll();
  }

  @Test
  void theArrayKeptPerLinkStaysWithin16KiBWhateverTheFramesSizes() {
    ChainAuthor a = new ChainAuthor(Identity.seeded(new SplittableRandom(3)), ROOM);
    LinkFrameDecoder decoder = new LinkFrameDecoder(null);
    EmbeddedChannel link = new EmbeddedChannel(decoder, new LinkCodec());
    int[] sizes = {
      0,
      1,
      255,
      256,
      1_000,
      LinkFrameDecoder.KEPT - 200,
      LinkFrameDecoder.KEPT,
      LinkFrameDecoder.KEPT + 1,
      3 * LinkFrameDecoder.KEPT,
      10
    };
    for (int size : sizes) {
      byte[] frame =
          LinkCodec.toFrame(new LinkMessage.Chat(a.next("x".repeat(size)))).toByteArray();
      link.writeInbound(direct(frame));
      assertThat(decoder.keptBytes())
          .as("after a frame of %d bytes", frame.length)
          .isLessThanOrEqualTo(LinkFrameDecoder.KEPT);
    }
    assertThat(decoder.keptBytes())
        .as("grown to the frames near the bound, which it reads")
        .isGreaterThan(LinkFrameDecoder.KEPT - 200);
    assertThat(Inbound.drain(link)).hasSize(sizes.length);
    link.finishAndReleaseAll();
  }

  @Test
  void aBadFrameFailsAsADecoderExceptionAndIsReleased() {
    EmbeddedChannel link = new EmbeddedChannel(new LinkFrameDecoder(null));
    ByteBuf bad = direct(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
    assertThatThrownBy(() -> link.writeInbound(bad)).isInstanceOf(DecoderException.class);
    assertThat(bad.refCnt()).isZero();
  }

  @Test
  void whatIsNotABufferPassesOn() {
    EmbeddedChannel link = new EmbeddedChannel(new LinkFrameDecoder(null));
    LinkMessage.Ping ping = new LinkMessage.Ping(7);
    link.writeInbound(ping);
    Object back = link.readInbound();
    assertThat(back).isSameAs(ping);
  }
}
