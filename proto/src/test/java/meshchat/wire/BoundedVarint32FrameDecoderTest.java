package meshchat.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BoundedVarint32FrameDecoderTest {

  private static ByteBuf bytes(int... values) {
    ByteBuf buf = Unpooled.buffer(values.length);
    for (int v : values) {
      buf.writeByte(v);
    }
    return buf;
  }

  private static String readFrame(EmbeddedChannel ch) {
    ByteBuf frame = ch.readInbound();
    try {
      return frame.toString(StandardCharsets.US_ASCII);
    } finally {
      frame.release();
    }
  }

  @Test
  void aFrameArrivingByteByByteComesOutWhole() {
    EmbeddedChannel ch = new EmbeddedChannel(new BoundedVarint32FrameDecoder(1024));
    byte[] wire = {3, 'a', 'b', 'c', 1, 'd'};

    for (int i = 0; i < 3; i++) {
      ch.writeInbound(bytes(wire[i]));
      assertThat(ch.<Object>readInbound()).isNull();
    }
    ch.writeInbound(bytes(wire[3], wire[4], wire[5]));

    assertThat(readFrame(ch)).isEqualTo("abc");
    assertThat(readFrame(ch)).isEqualTo("d");
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void aTwoByteLengthPrefixSplitAcrossReads() {
    EmbeddedChannel ch = new EmbeddedChannel(new BoundedVarint32FrameDecoder(1024));
    byte[] payload = new byte[300];
    // 300 = 0b10_0101100 -> 0xAC 0x02
    ch.writeInbound(bytes(0xAC));
    ch.writeInbound(bytes(0x02));
    ch.writeInbound(Unpooled.wrappedBuffer(payload, 0, 299));
    assertThat(ch.<Object>readInbound()).isNull();
    ch.writeInbound(Unpooled.wrappedBuffer(payload, 299, 1));

    ByteBuf frame = ch.readInbound();
    assertThat(frame.readableBytes()).isEqualTo(300);
    frame.release();
  }

  @Test
  void anOversizeLengthIsRejectedAsSoonAsThePrefixIsRead() {
    EmbeddedChannel ch = new EmbeddedChannel(new BoundedVarint32FrameDecoder(100));
    // 101 announced, no payload sent: the decoder must not wait for (or buffer) the payload
    assertThatThrownBy(() -> ch.writeInbound(bytes(101)))
        .isInstanceOf(TooLongFrameException.class)
        .hasMessageContaining("101 bytes exceeds the limit of 100");
  }

  @Test
  void theRestOfARefusedFrameIsNotReadAsFrames() {
    EmbeddedChannel ch = new EmbeddedChannel(new BoundedVarint32FrameDecoder(100));
    assertThatThrownBy(() -> ch.writeInbound(bytes(101))).isInstanceOf(TooLongFrameException.class);
    // the refused frame's body, arriving before the receiver has closed: zeros would read as
    // empty frames, and any bytes as frames of the sender's choosing
    ch.writeInbound(bytes(0, 0, 0, 2, 'h', 'i'));
    assertThat(ch.<Object>readInbound()).isNull();
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void aFrameExactlyAtTheLimitPasses() {
    EmbeddedChannel ch = new EmbeddedChannel(new BoundedVarint32FrameDecoder(100));
    ByteBuf in = Unpooled.buffer();
    in.writeByte(100).writeZero(100);
    ch.writeInbound(in);
    ByteBuf frame = ch.readInbound();
    assertThat(frame.readableBytes()).isEqualTo(100);
    frame.release();
  }

  @Test
  void aSixBytePrefixIsCorrupt() {
    EmbeddedChannel ch = new EmbeddedChannel(new BoundedVarint32FrameDecoder(1 << 20));
    assertThatThrownBy(() -> ch.writeInbound(bytes(0x80, 0x80, 0x80, 0x80, 0x80, 0x01)))
        .isInstanceOf(CorruptedFrameException.class)
        .hasMessageContaining("longer than 5 bytes");
  }

  @Test
  void aNegativeLengthIsCorrupt() {
    EmbeddedChannel ch = new EmbeddedChannel(new BoundedVarint32FrameDecoder(1 << 20));
    assertThatThrownBy(() -> ch.writeInbound(bytes(0xFF, 0xFF, 0xFF, 0xFF, 0x0F)))
        .isInstanceOf(CorruptedFrameException.class)
        .hasMessageContaining("negative");
  }

  @Test
  void endOfStreamInsideAFrameIsReported() {
    EmbeddedChannel ch = new EmbeddedChannel(new BoundedVarint32FrameDecoder(1024));
    ch.writeInbound(bytes(10, 'a', 'b'));

    assertThatThrownBy(ch::finish)
        .isInstanceOf(TruncatedFrameException.class) // a cut connection, not a corrupt frame
        .hasMessageContaining("closed inside a frame");
  }

  @Test
  void endOfStreamBetweenFramesIsClean() {
    EmbeddedChannel ch = new EmbeddedChannel(new BoundedVarint32FrameDecoder(1024));
    ch.writeInbound(bytes(1, 'a'));
    assertThat(readFrame(ch)).isEqualTo("a");
    assertThat(ch.finish()).isFalse();
  }
}
