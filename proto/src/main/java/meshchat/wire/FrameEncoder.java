package meshchat.wire;

import com.google.protobuf.MessageLite;
import com.google.protobuf.MessageLiteOrBuilder;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/**
 * Writes a Protobuf message as {@code varint32 length ‖ payload} in one buffer (Netty's
 * ProtobufEncoder and ProtobufVarint32LengthFieldPrepender in one step, without the intermediate
 * array and buffer). A message written to several channels in a row on one thread is serialized
 * once: a peer writes each chat message to every link, one after the other, and its links share its
 * thread (the room thread), so they reuse the bytes. Messages are immutable, so the bytes of the
 * last few are kept per thread and reused when the same object comes again ({@link
 * RecentlyEncoded}).
 */
public final class FrameEncoder extends MessageToByteEncoder<MessageLiteOrBuilder> {
  private static final RecentlyEncoded<MessageLite, byte[]> RECENT =
      new RecentlyEncoded<>(bytes -> bytes.length);

  /** Told of a frame of ours that was not written because it is over the bound. */
  @FunctionalInterface
  public interface Oversize {
    /**
     * {@code frame} was dropped: its payload is {@code bytes} long, over the encoder's bound. Runs
     * on the channel's thread; count it and log one line (it is a bug of ours, or a peer's bound
     * smaller than ours), never throw.
     */
    void dropped(ChannelHandlerContext ctx, MessageLiteOrBuilder frame, int bytes);
  }

  private final int maxFrameBytes;
  private final Oversize oversize;

  /** An encoder that writes frames of any size. */
  public FrameEncoder() {
    this(Integer.MAX_VALUE, () -> {});
  }

  /**
   * An encoder that never writes a frame over {@code maxFrameBytes} (the peer would refuse it and
   * close the connection, rev31): such a frame is dropped, nothing written, and {@code oversize}
   * run (on the channel's thread) so the sender can count it. The connection stays up.
   */
  public FrameEncoder(int maxFrameBytes, Runnable oversize) {
    this(maxFrameBytes, (ctx, frame, bytes) -> oversize.run());
  }

  /** As above, telling {@code oversize} which frame was dropped and its size. */
  public FrameEncoder(int maxFrameBytes, Oversize oversize) {
    this.maxFrameBytes = maxFrameBytes;
    this.oversize = oversize;
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, MessageLiteOrBuilder msg, ByteBuf out) {
    byte[] bytes = bytes(msg);
    if (bytes.length > maxFrameBytes) {
      oversize.dropped(ctx, msg, bytes.length);
      return;
    }
    writeVarint32(out, bytes.length);
    out.writeBytes(bytes);
  }

  @Override
  protected ByteBuf allocateBuffer(
      ChannelHandlerContext ctx, MessageLiteOrBuilder msg, boolean preferDirect) {
    int size = bytes(msg).length + 5;
    return preferDirect ? ctx.alloc().ioBuffer(size) : ctx.alloc().heapBuffer(size);
  }

  private static byte[] bytes(MessageLiteOrBuilder msg) {
    if (msg instanceof MessageLite.Builder b) {
      return b.build().toByteArray(); // mutable: never remembered
    }
    return RECENT.get((MessageLite) msg, MessageLite::toByteArray);
  }

  private static void writeVarint32(ByteBuf out, int value) {
    while ((value & ~0x7F) != 0) {
      out.writeByte((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    out.writeByte(value);
  }
}
