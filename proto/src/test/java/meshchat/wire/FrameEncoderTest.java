package meshchat.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.concurrent.atomic.AtomicInteger;
import meshchat.proto.v1.Close;
import org.junit.jupiter.api.Test;

/**
 * (rev31 FINDING-8) A frame of ours over the connection's frame limit would be refused by the peer,
 * which closes the connection: it is dropped and counted instead, and the next frame goes as usual.
 */
class FrameEncoderTest {
  private static Close closeOf(int textBytes) {
    return Close.newBuilder().setMessage("x".repeat(textBytes)).build();
  }

  @Test
  void aFrameOverTheLimitIsDroppedAndCountedAndTheNextOneGoes() {
    AtomicInteger dropped = new AtomicInteger();
    int limit = 1_000;
    EmbeddedChannel ch = new EmbeddedChannel(new FrameEncoder(limit, dropped::incrementAndGet));
    Close big = closeOf(2_000);
    Close atLimit = closeOf(limit - 3); // a tag byte and a 2-byte length: exactly the limit
    assertThat(atLimit.getSerializedSize()).isEqualTo(limit);

    ch.writeOutbound(big);
    ch.writeOutbound(closeOf(limit - 2)); // one byte over
    ch.writeOutbound(atLimit);

    assertThat(dropped).hasValue(2);
    int written = 0;
    for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
      written += b.readableBytes();
      b.release();
    }
    assertThat(written)
        .as("only the frame at the limit, with its 2-byte prefix")
        .isEqualTo(limit + 2);
    assertThat(ch.isActive()).isTrue();
  }

  @Test
  void withoutALimitEveryFrameIsWritten() {
    EmbeddedChannel ch = new EmbeddedChannel(new FrameEncoder());
    ch.writeOutbound(closeOf(2 << 20));
    ByteBuf b = ch.readOutbound();
    assertThat(b.readableBytes()).isGreaterThan(2 << 20);
    b.release();
  }
}
