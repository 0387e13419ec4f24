package meshchat.peer.link.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;

/**
 * Gathers the small frames a burst writes to a link into one buffer of up to {@link #CHUNK} bytes
 * before TLS sees them: the room writes every message of a burst to every link, a frame of ~130
 * bytes each, and TLS (Netty's {@code SslHandler}) queued each with its promise, counted it against
 * the channel's writability and, at the flush, walked its queue again to copy the frames together
 * into records. That walk, run over hundreds of frames per flush, was the largest compile of the
 * throughput cell's measured burst (an on-stack replacement of {@code
 * AbstractCoalescingBufferQueue.remove}: 44 KB of code, 3 s of C2 at load; docs/benchmarks.md,
 * session 24). Here a frame is copied once, into the link's open chunk; TLS gets one buffer per
 * chunk.
 *
 * <p>Order is kept: anything that is not a small buffer written with the channel's void promise (a
 * history batch, a Close with its listener) first sends the open chunk on, then goes itself. A
 * chunk holds at most {@link #CHUNK} bytes not yet counted in the channel's writability, so a
 * link's bound on queued bytes ({@code NettyLink}) is late by at most that. What a closed link held
 * unsent is released, as TLS releases its queue.
 */
final class WriteCoalescer extends ChannelOutboundHandlerAdapter {
  /** A chunk's size: TLS's largest record's plaintext, which TLS would have gathered anyway. */
  static final int CHUNK = 16 * 1024;

  /** Larger frames go on as they are: copying them would gain nothing. */
  static final int SMALL = 2 * 1024;

  private ByteBuf open; // the chunk being filled, or null
  private int lastSize = 256; // the bytes the last chunk held
  private ChannelHandlerContext ctx; // while in a pipeline: null before it is added, after removal

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof ByteBuf b && promise.isVoid() && b.readableBytes() <= SMALL) {
      int n = b.readableBytes();
      try {
        chunkFor(ctx, n).writeBytes(b, b.readerIndex(), n);
      } finally {
        b.release(); // copied, or not (no memory for a chunk): released either way
      }
      return;
    }
    sendOpen(ctx);
    ctx.write(msg, promise);
  }

  /** True while this coalescer is in a pipeline: {@link #append} may be called. */
  boolean inPipeline() {
    return ctx != null;
  }

  /**
   * Writes one frame's bytes as a void-promised write of them from above would, for a caller on the
   * channel's loop that writes them past the handlers above ({@link LiveChatPath}); only while
   * {@link #inPipeline}. A small frame is copied into the open chunk; a larger one sends the chunk
   * on and goes as it is. A small frame no chunk could be allocated for is dropped and the failure
   * fired down the pipeline, as a void-promised write's failure is (the link closes).
   */
  void append(byte[] frame) {
    ChannelHandlerContext c = ctx;
    if (frame.length <= SMALL) {
      try {
        chunkFor(c, frame.length).writeBytes(frame);
        return;
      } catch (Throwable t) { // as the pipeline catches a handler's: no memory for a chunk
        c.pipeline().fireExceptionCaught(t);
        return;
      }
    }
    sendOpen(c);
    c.write(Unpooled.wrappedBuffer(frame), c.voidPromise());
  }

  /** The open chunk, with room for {@code n} bytes: the full one sent on first. */
  private ByteBuf chunkFor(ChannelHandlerContext ctx, int n) {
    ByteBuf chunk = open;
    if (chunk != null && chunk.maxWritableBytes() < n) {
      open = null;
      ctx.write(chunk, ctx.voidPromise());
      chunk = null;
    }
    if (chunk == null) {
      // as large as the last chunk grew (a burst's frames are much alike), up to CHUNK
      chunk = ctx.alloc().directBuffer(Math.max(n, lastSize), CHUNK);
      open = chunk;
    }
    return chunk;
  }

  @Override
  public void flush(ChannelHandlerContext ctx) {
    sendOpen(ctx);
    ctx.flush();
  }

  @Override
  public void close(ChannelHandlerContext ctx, ChannelPromise promise) throws Exception {
    sendOpen(ctx); // TLS sends what it holds before its close_notify, as it did unchunked
    super.close(ctx, promise);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    this.ctx = null;
    release();
  }

  private void sendOpen(ChannelHandlerContext ctx) {
    ByteBuf chunk = open;
    if (chunk != null) {
      open = null;
      lastSize = chunk.readableBytes();
      ctx.write(chunk, ctx.voidPromise());
    }
  }

  private void release() {
    ByteBuf chunk = open;
    if (chunk != null) {
      open = null;
      chunk.release();
    }
  }
}
