package meshchat.peer.frame;

import com.google.protobuf.InvalidProtocolBufferException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.util.List;
import meshchat.peer.identity.RoomKey;
import meshchat.peer.message.LinkMessage;
import meshchat.proto.v1.LinkFrame;

/**
 * One frame's bytes to what {@link LinkCodec} hands on: a chat message, a history batch or a head
 * straight as its record ({@link LinkFrameReader}), anything else (and everything in a private
 * room, whose bodies are sealed) as the generated {@code LinkFrame} for {@link LinkCodec} to
 * convert, which lets records through unchanged. In the link pipeline it stands where Netty's
 * {@code ProtobufDecoder} stood, and parses as that does otherwise.
 */
public final class LinkFrameDecoder extends MessageToMessageDecoder<ByteBuf> {
  private final boolean direct;
  private final LinkContext context;

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
    this.direct = roomKey == null;
    this.context = context;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf msg, List<Object> out) throws Exception {
    int length = msg.readableBytes();
    byte[] array;
    int offset;
    if (msg.hasArray()) {
      array = msg.array();
      offset = msg.arrayOffset() + msg.readerIndex();
    } else {
      array = ByteBufUtil.getBytes(msg, msg.readerIndex(), length, false);
      offset = 0;
    }
    Object m = direct ? LinkFrameReader.read(array, offset, length, context) : null;
    out.add(m != null ? m : LinkFrame.parser().parseFrom(array, offset, length));
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
