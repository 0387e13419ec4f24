package meshchat.peer.link.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The chunks before TLS: the bytes that reach the socket side are the frames written, in their
 * order, whatever mix of small, large, promised and void writes and flushes; nothing stays
 * retained.
 */
class WriteCoalescerTest {
  /** What passes below the coalescer, as TLS would see it. */
  private static final class Below extends ChannelOutboundHandlerAdapter {
    final List<ByteBuf> writes = new ArrayList<>();

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      ByteBuf b = (ByteBuf) msg;
      writes.add(b.copy());
      b.release();
      if (!promise.isVoid()) {
        promise.setSuccess();
      }
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {}
  }

  private static ByteBuf frame(SplittableRandom r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return Unpooled.wrappedBuffer(b);
  }

  @Test
  void smallVoidWritesGoAsOneChunkAtTheFlush() {
    Below below = new Below();
    EmbeddedChannel ch = new EmbeddedChannel(below, new WriteCoalescer());
    SplittableRandom r = new SplittableRandom(1);
    List<ByteBuf> sent = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      ByteBuf f = frame(r, 130);
      sent.add(f.copy());
      ch.write(f, ch.voidPromise());
      assertThat(f.refCnt()).isZero();
    }
    assertThat(below.writes).isEmpty(); // held until the flush
    ch.flush();
    assertThat(below.writes).hasSize(1);
    assertThat(bytes(below.writes)).isEqualTo(bytes(sent));
    ch.finishAndReleaseAll();
  }

  @Test
  void anyMixKeepsTheBytesAndTheirOrderAndChunksStayWithinTheirSize() {
    SplittableRandom r = new SplittableRandom(7);
    for (int round = 0; round < 200; round++) {
      Below below = new Below();
      EmbeddedChannel ch = new EmbeddedChannel(below, new WriteCoalescer());
      List<ByteBuf> sent = new ArrayList<>();
      List<ByteBuf> promised = new ArrayList<>();
      int writes = r.nextInt(0, 400);
      for (int i = 0; i < writes; i++) {
        int kind = r.nextInt(10);
        int size =
            kind == 0
                ? r.nextInt(WriteCoalescer.SMALL - 2, WriteCoalescer.SMALL + 3) // at the edge
                : kind == 1 ? r.nextInt(3_000, 40_000) : r.nextInt(1, 300);
        ByteBuf f = frame(r, size);
        sent.add(f.copy());
        if (r.nextInt(20) == 0) {
          ch.write(f); // a promise of its own: a Close, a Hello
          promised.add(f);
        } else {
          ch.write(f, ch.voidPromise());
        }
        if (r.nextInt(30) == 0) {
          ch.flush();
        }
      }
      if (r.nextBoolean()) {
        ch.close(); // what TLS would send before its close_notify
      } else {
        ch.flush();
      }
      assertThat(bytes(below.writes)).isEqualTo(bytes(sent));
      for (ByteBuf w : below.writes) {
        // a chunk never holds more than CHUNK; only a large frame goes whole
        assertThat(w.readableBytes())
            .satisfiesAnyOf(
                n -> assertThat(n).isLessThanOrEqualTo(WriteCoalescer.CHUNK),
                n -> assertThat(sent).anyMatch(s -> s.readableBytes() == n));
      }
      assertThat(promised).allMatch(f -> f.refCnt() == 0);
      ch.finishAndReleaseAll();
    }
  }

  /** Remembers the buffers it hands out, to see that each is released. */
  private static final class Recording extends AbstractByteBufAllocator {
    final List<ByteBuf> made = new ArrayList<>();

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
      return Unpooled.buffer(initialCapacity, maxCapacity);
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
      ByteBuf b = Unpooled.directBuffer(initialCapacity, maxCapacity);
      made.add(b);
      return b;
    }

    @Override
    public boolean isDirectBufferPooled() {
      return false;
    }
  }

  @Test
  void everyChunkIsReleasedSentOrNotAndAChunkLeftOpenWhenTheHandlerGoes() {
    Below below = new Below();
    WriteCoalescer c = new WriteCoalescer();
    EmbeddedChannel ch = new EmbeddedChannel(below, c);
    Recording alloc = new Recording();
    ch.config().setAllocator(alloc);
    SplittableRandom r = new SplittableRandom(3);
    for (int i = 0; i < 300; i++) {
      ch.write(frame(r, 100), ch.voidPromise());
    }
    ch.flush();
    ch.write(frame(r, 100), ch.voidPromise());
    ch.pipeline().remove(c); // the link torn down with nothing flushed
    assertThat(below.writes).hasSizeGreaterThan(1);
    assertThat(alloc.made).hasSize(below.writes.size() + 1).allMatch(b -> b.refCnt() == 0);
    ch.finishAndReleaseAll();
  }

  private static byte[] bytes(List<ByteBuf> bufs) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (ByteBuf b : bufs) {
      out.writeBytes(ByteBufUtil.getBytes(b));
    }
    return out.toByteArray();
  }
}
