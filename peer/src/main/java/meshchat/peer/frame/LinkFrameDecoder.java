package meshchat.peer.frame;

import com.google.protobuf.InvalidProtocolBufferException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import meshchat.peer.identity.RoomKey;
import meshchat.peer.message.LinkMessage;
import meshchat.proto.v1.LinkFrame;

/**
 * One frame's bytes to what {@link LinkCodec} hands on: a chat message, a history batch or a head
 * straight as its record ({@link LinkFrameReader}), anything else (and everything in a private
 * room, whose bodies are sealed) as the generated {@code LinkFrame} for {@link LinkCodec} to
 * convert, which lets records through unchanged. In the link pipeline it stands where Netty's
 * {@code ProtobufDecoder} stood, and parses as that does otherwise.
 *
 * <p>A plain handler, not a {@code MessageToMessageDecoder}: one frame in, one record out, with no
 * output list taken and given back per frame, and a frame in a direct buffer (what TLS hands on) is
 * copied into an array kept for the link's next frames, not into a new one per frame (7 % of the
 * bytes a delivery allocated in the throughput cell; docs/benchmarks.md, session 25): neither the
 * reader nor the Protobuf parser keeps the array they read (each copies out what it keeps). A
 * failure is a {@code DecoderException}, as that decoder's was.
 */
public final class LinkFrameDecoder extends ChannelInboundHandlerAdapter {
  /** The largest frame whose bytes are copied into the kept array; larger ones get their own. */
  static final int KEPT = 16 * 1024;

  private final boolean direct;
  private final LinkContext context;
  private final boolean deferBatches;
  private byte[] kept = new byte[256];

  /** {@code roomKey} null: an open room, whose frames may be read straight into records. */
  public LinkFrameDecoder(RoomKey roomKey) {
    this(roomKey, new LinkContext());
  }

  /**
   * As {@link #LinkFrameDecoder(RoomKey)}, reading origin numbers ("Link context") into and from
   * {@code context}, the link's table, which its {@link LinkCodec} shares for the frames read here
   * as {@code LinkFrame}.
   */
  public LinkFrameDecoder(RoomKey roomKey, LinkContext context) {
    this(roomKey, context, false);
  }

  /**
   * As {@link #LinkFrameDecoder(RoomKey, LinkContext)}; {@code deferBatches}: a history batch of an
   * open room is handed on with its messages not read yet ({@link LinkFrameReader.DeferredBatch}),
   * for the {@link ChainVerifier} behind this decoder to read on its pool, inside the batch's check
   * (a catch-up's receiving thread is its critical path, and reading its batches was a tenth of it:
   * docs/benchmarks.md, session 38). Only in a pipeline with that verifier.
   */
  public LinkFrameDecoder(RoomKey roomKey, LinkContext context, boolean deferBatches) {
    this.direct = roomKey == null;
    this.context = context;
    this.deferBatches = deferBatches;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf frame)) {
      ctx.fireChannelRead(msg);
      return;
    }
    Object m;
    try {
      m = decode(frame);
    } catch (DecoderException e) {
      throw e;
    } catch (Exception e) {
      throw new DecoderException(e);
    } finally {
      frame.release();
    }
    ctx.fireChannelRead(m);
  }

  private Object decode(ByteBuf msg) throws InvalidProtocolBufferException {
    int length = msg.readableBytes();
    byte[] array;
    int offset;
    boolean owned = false;
    if (msg.hasArray()) {
      array = msg.array();
      offset = msg.arrayOffset() + msg.readerIndex();
    } else {
      owned = length > KEPT;
      array = owned ? new byte[length] : kept(length);
      msg.getBytes(msg.readerIndex(), array, 0, length);
      offset = 0;
    }
    if (direct && deferBatches) {
      Object d = LinkFrameReader.deferredBatch(array, offset, length, owned);
      if (d != null) {
        return d;
      }
    }
    Object m = direct ? LinkFrameReader.read(array, offset, length, context) : null;
    return m != null ? m : LinkFrame.parser().parseFrom(array, offset, length);
  }

  /** The kept array's size: at most {@link #KEPT}, whatever the link sends (tests). */
  int keptBytes() {
    return kept.length;
  }

  private byte[] kept(int length) {
    if (kept.length < length) {
      kept = new byte[Math.min(KEPT, Math.max(length, 2 * kept.length))];
    }
    return kept;
  }

  /**
   * What this decoder and {@link LinkCodec} after it make of one frame's bytes, outside a pipeline
   * (tests, fuzzers): the record, or the exception that refuses the frame.
   */
  public static LinkMessage decode(byte[] frame, RoomKey roomKey)
      throws InvalidProtocolBufferException {
    return decode(frame, roomKey, new LinkContext());
  }

  /**
   * As {@link #decode(byte[], RoomKey)}, for a frame read on a link with the table {@code context}.
   */
  public static LinkMessage decode(byte[] frame, RoomKey roomKey, LinkContext context)
      throws InvalidProtocolBufferException {
    LinkMessage m = roomKey == null ? LinkFrameReader.read(frame, 0, frame.length, context) : null;
    return m != null ? m : LinkCodec.fromFrame(LinkFrame.parseFrom(frame), roomKey, context);
  }
}
