package meshchat.wire;

import com.google.protobuf.MessageLite;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.protobuf.ProtobufDecoder;

/**
 * The framing every meshchat connection uses, tracker sessions and peer links alike: a varint32
 * length prefix followed by one Protobuf message (docs/protocol.md, "Framing").
 */
public final class Framing {
  /** The default maximum frame payload: 1 MiB. */
  public static final int DEFAULT_MAX_FRAME_BYTES = 1 << 20;

  /**
   * The link protocol version carried by Hello (2: hash chains with signed heads; 3: live chat
   * frames may name origins by a per-link number and leave out a {@code prev} the link implies).
   */
  public static final int PROTOCOL_VERSION = 3;

  /**
   * The tracker protocol version carried by a tracker session's first frame; it moves on its own,
   * so a link-protocol change does not cut peers off their tracker.
   */
  public static final int TRACKER_PROTOCOL_VERSION = 1;

  /**
   * The largest frame payload a tracker sends, 64 KiB = 65,536 bytes: a tracker client must accept
   * frames up to it (docs/protocol.md, "Bounded answers"). An answer names at most 32 members of at
   * most ~950 bytes each, ~31 KB; past this bound a tracker names fewer members rather than send a
   * larger frame.
   */
  public static final int TRACKER_MAX_ANSWER_BYTES = 64 * 1024;

  /**
   * The largest frame payload a tracker takes from a session by default (its {@code
   * --max-frame-bytes}), 8 KiB: a client never sends a larger one. Every request is under 1 KiB.
   */
  public static final int TRACKER_MAX_REQUEST_BYTES = 8 * 1024;

  private Framing() {}

  /**
   * Adds the three framing handlers, in wire order, named {@code frame-decoder}, {@code
   * proto-decoder} and {@code frame-encoder}.
   */
  public static void addTo(ChannelPipeline pipeline, MessageLite prototype, int maxFrameBytes) {
    addTo(pipeline, prototype, maxFrameBytes, () -> {});
  }

  /**
   * As {@link #addTo(ChannelPipeline, MessageLite, int)}, and a frame of ours over {@code
   * maxFrameBytes} is never written: dropped, and {@code oversize} run (the receiver would close
   * the connection for it).
   */
  public static void addTo(
      ChannelPipeline pipeline, MessageLite prototype, int maxFrameBytes, Runnable oversize) {
    // inbound: bytes -> one frame's bytes (bounded before buffering) -> the envelope
    pipeline.addLast("frame-decoder", new BoundedVarint32FrameDecoder(maxFrameBytes));
    pipeline.addLast("proto-decoder", new ProtobufDecoder(prototype));
    // outbound: the envelope -> length-prefixed bytes (serialized once for all links)
    pipeline.addLast("frame-encoder", new FrameEncoder(maxFrameBytes, oversize));
  }

  /**
   * As {@link #addTo(ChannelPipeline, MessageLite, int, Runnable)}, with a bound for each
   * direction: a frame read over {@code maxInBytes} is refused as soon as its prefix is read, and a
   * frame of ours over {@code maxOutBytes} is never written: dropped, and {@code oversize} told.
   * For a connection whose two sides send frames of different sizes (a tracker reads small requests
   * and writes larger answers).
   */
  public static void addTo(
      ChannelPipeline pipeline,
      MessageLite prototype,
      int maxInBytes,
      int maxOutBytes,
      FrameEncoder.Oversize oversize) {
    pipeline.addLast("frame-decoder", new BoundedVarint32FrameDecoder(maxInBytes));
    pipeline.addLast("proto-decoder", new ProtobufDecoder(prototype));
    pipeline.addLast("frame-encoder", new FrameEncoder(maxOutBytes, oversize));
  }
}
