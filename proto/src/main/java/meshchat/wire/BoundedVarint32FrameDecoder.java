package meshchat.wire;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import java.util.List;

/**
 * Splits a stream into frames of the form {@code varint32 length ‖ payload}.
 *
 * <p>Netty's {@code ProtobufVarint32FrameDecoder} has no size limit: a peer that announces a 2 GiB
 * frame makes the receiver buffer until it arrives. This decoder rejects a length above {@code
 * maxFrameBytes} as soon as the prefix is read, before any payload is buffered, and rejects a
 * prefix longer than 5 bytes or a negative length as corrupt. After either it decodes nothing more:
 * the receiver closes the connection on such an error, but its handler may run on another thread,
 * and the bytes that follow (the rest of the refused frame) must not be read as frames meanwhile.
 */
public final class BoundedVarint32FrameDecoder extends ByteToMessageDecoder {
  private final int maxFrameBytes;
  private boolean failed;

  public BoundedVarint32FrameDecoder(int maxFrameBytes) {
    if (maxFrameBytes < 1) {
      throw new IllegalArgumentException("maxFrameBytes must be positive: " + maxFrameBytes);
    }
    this.maxFrameBytes = maxFrameBytes;
  }

  /**
   * One frame per call: ByteToMessageDecoder hands it on before asking for the next, and stops if a
   * handler closed the channel meanwhile. Decoding every frame of a read first would throw an error
   * about a later frame after the pipeline was torn down by an earlier one (found by fuzzing: the
   * exception reached the pipeline's tail, a stack trace in the log).
   */
  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    frames(in, out, 1);
  }

  private void frames(ByteBuf in, List<Object> out, int max) {
    if (failed) {
      in.skipBytes(in.readableBytes());
      return;
    }
    for (int n = 0; n < max && in.isReadable(); n++) {
      int start = in.readerIndex();
      int length = readVarint32(in);
      if (length == INCOMPLETE) {
        in.readerIndex(start);
        return;
      }
      if (length > maxFrameBytes) {
        // Skip what is here so the decoder does not report the same frame twice.
        in.skipBytes(in.readableBytes());
        failed = true;
        throw new TooLongFrameException(
            "frame of " + length + " bytes exceeds the limit of " + maxFrameBytes + " bytes");
      }
      if (in.readableBytes() < length) {
        in.readerIndex(start);
        return;
      }
      out.add(in.readRetainedSlice(length));
    }
  }

  /**
   * At end of stream, bytes left over are the start of a frame that never finished: report it
   * ({@link TruncatedFrameException}) instead of dropping it silently, so the receiver can tell a
   * truncated frame from a clean close, and a cut connection from a corrupt frame.
   */
  @Override
  protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    frames(in, out, Integer.MAX_VALUE);
    if (in.isReadable()) {
      int left = in.readableBytes();
      in.skipBytes(left);
      throw new TruncatedFrameException(
          "connection closed inside a frame (" + left + " bytes of an unfinished frame)");
    }
  }

  private static final int INCOMPLETE = -1;

  /** Returns the length, or {@link #INCOMPLETE} if more bytes are needed. */
  private int readVarint32(ByteBuf in) {
    int result = 0;
    for (int i = 0; i < 5; i++) {
      if (!in.isReadable()) {
        return INCOMPLETE;
      }
      byte b = in.readByte();
      result |= (b & 0x7f) << (7 * i);
      if (b >= 0) {
        if (result < 0) {
          failed = true;
          throw new CorruptedFrameException("negative frame length: " + result);
        }
        return result;
      }
    }
    in.skipBytes(in.readableBytes());
    failed = true;
    throw new CorruptedFrameException("frame length prefix longer than 5 bytes");
  }
}
