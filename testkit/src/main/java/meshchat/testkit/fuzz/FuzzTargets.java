package meshchat.testkit.fuzz;

import com.google.protobuf.InvalidProtocolBufferException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Method;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import meshchat.peer.frame.LinkCodec;
import meshchat.peer.frame.LinkFrameException;
import meshchat.peer.limit.Counters;
import meshchat.peer.link.Link;
import meshchat.peer.link.LinkConfig;
import meshchat.peer.link.LinkEvents;
import meshchat.peer.link.netty.LinkPipeline;
import meshchat.peer.link.netty.LinkSetup;
import meshchat.peer.message.LinkMessage;
import meshchat.proto.v1.LinkFrame;
import meshchat.proto.v1.TrackerFrame;
import meshchat.tracker.TrackerConfig;
import meshchat.tracker.TrackerServerInitializer;
import meshchat.tracker.directory.Directory;
import meshchat.tracker.pipeline.TrackerHub;

/**
 * The three things fuzzed, each fed one input (a list of chunks) at a time: the peer link pipeline
 * (before or after its handshake), the tracker session pipeline (before or after Register), and
 * {@link LinkCodec#fromFrame} directly. Each returns normally or throws {@link Finding}: an
 * exception that escaped the handlers, a channel closed without a Close/Error frame, or a frame
 * decoder holding more than one frame's worth of bytes.
 */
public final class FuzzTargets {
  /** A small frame limit makes "just over the limit" cheap to reach. */
  public static final int MAX_FRAME_BYTES = 64 * 1024;

  private static final Method PENDING = pendingMethod();

  /** What a target did with an input that it should never do. */
  public static final class Finding extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Finding(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final LinkConfig linkConfig =
      LinkConfig.defaults()
          .with(cfg -> cfg.maxFrameBytes = MAX_FRAME_BYTES)
          .withRateLimit(1_000_000, 1_000_000);
  private final TrackerConfig trackerConfig =
      TrackerConfig.localTest().with(cfg -> cfg.maxFrameBytes = MAX_FRAME_BYTES);
  private final TrackerHub hub =
      new TrackerHub(new Directory(Clock.systemUTC(), trackerConfig.limits()), 5_000, 15_000);
  // a complete handshake: OTHER's Hello and its proof over SELF's fixed challenge
  private final byte[] helloFrame =
      concat(
          framed(LinkCodec.toFrame(Seeds.hello(Seeds.OTHER)).toByteArray()),
          framed(LinkCodec.toFrame(Seeds.otherProof()).toByteArray()));
  private final byte[] registerFrame = framed(Seeds.register(1).toByteArray());
  private long delivered;

  /** Messages the link pipeline handed to its owner so far (they passed every check). */
  public long delivered() {
    return delivered;
  }

  public TrackerHub hub() {
    return hub;
  }

  /** The peer link pipeline on an EmbeddedChannel; {@code handshaken}: a valid Hello first. */
  public void link(List<byte[]> input, boolean handshaken) {
    boolean[] peerClosed = {false};
    LinkSetup setup =
        new LinkSetup(
            linkConfig,
            Seeds.SELF_KEY,
            Seeds.ROOM,
            () -> Seeds.hello(Seeds.SELF),
            new LinkEvents() {
              @Override
              public void up(Link link) {}

              @Override
              public void received(Link link, List<LinkMessage> messages) {
                delivered += messages.size();
              }

              @Override
              public void down(Link link) {
                peerClosed[0] = link.closeReceived() != null;
              }
            },
            "[fuzz]",
            new Counters(),
            null,
            () -> Seeds.SELF_CHALLENGE);
    EmbeddedChannel ch = new EmbeddedChannel();
    LinkPipeline.build(ch.pipeline(), setup, false);
    ch.pipeline().fireChannelActive();
    run(ch, handshaken ? prepend(helloFrame, input) : input, "frame-decoder", true, peerClosed);
  }

  /** The tracker session pipeline; {@code registered}: a valid Register first. */
  public void tracker(List<byte[]> input, boolean registered) {
    EmbeddedChannel ch = new EmbeddedChannel();
    TrackerServerInitializer.addHandlers(ch.pipeline(), trackerConfig, hub, null);
    run(
        ch,
        registered ? prepend(registerFrame, input) : input,
        "frame-decoder",
        false,
        new boolean[1]);
  }

  /** Protobuf parsing plus LinkCodec's validation, without a pipeline: the fastest target. */
  public static void codec(byte[] body) {
    LinkFrame frame;
    try {
      frame = LinkFrame.parseFrom(body);
    } catch (InvalidProtocolBufferException e) {
      return;
    }
    try {
      LinkCodec.fromFrame(frame);
    } catch (LinkFrameException e) {
      // refused with a reason: the expected outcome for bad content
    } catch (RuntimeException e) {
      throw new Finding("LinkCodec.fromFrame threw " + e, e);
    }
  }

  /** {@code peerClosed[0]}: the other side sent Close, so closing without one is right. */
  private void run(
      EmbeddedChannel ch, List<byte[]> input, String decoder, boolean link, boolean[] peerClosed) {
    List<ByteBuf> out = new ArrayList<>();
    try {
      for (byte[] chunk : input) {
        if (!ch.isOpen()) {
          break;
        }
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.buffer(chunk.length);
        buf.writeBytes(chunk);
        ch.writeInbound(buf);
        ch.runPendingTasks();
        drain(ch, out);
        checkPending(ch.pipeline(), decoder);
      }
      boolean open = ch.isOpen();
      ch.checkException();
      if (!open && !peerClosed[0] && !endsWithGoodbye(out, link)) {
        throw new Finding("channel closed without a Close/Error frame", null);
      }
    } catch (Finding f) {
      throw f;
    } catch (Throwable t) {
      throw new Finding("exception escaped the pipeline: " + t, t);
    } finally {
      ch.finishAndReleaseAll();
      drain(ch, out);
      out.forEach(ByteBuf::release);
    }
  }

  private static void drain(EmbeddedChannel ch, List<ByteBuf> out) {
    for (Object o; (o = ch.readOutbound()) != null; ) {
      out.add((ByteBuf) o);
    }
    for (Object o; (o = ch.readInbound()) != null; ) {
      ReferenceCountUtil.release(o);
    }
  }

  /** The frame decoder never holds more than one maximal frame plus its prefix. */
  private static void checkPending(ChannelPipeline p, String name) {
    Object d = p.get(name);
    if (d == null) {
      return;
    }
    try {
      int pending = (int) PENDING.invoke(d);
      if (pending > MAX_FRAME_BYTES + 5) {
        throw new Finding("frame decoder buffers " + pending + " bytes", null);
      }
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether the last frame written is a Close (link) or a fatal Error (tracker). */
  private static boolean endsWithGoodbye(List<ByteBuf> out, boolean link) throws Exception {
    if (out.isEmpty()) {
      return false;
    }
    ByteBuf last = out.get(out.size() - 1).duplicate();
    int len = readVarint(last);
    byte[] body = new byte[len];
    last.readBytes(body);
    return link
        ? LinkFrame.parseFrom(body).hasClose()
        : TrackerFrame.parseFrom(body).hasError()
            && TrackerFrame.parseFrom(body).getError().getFatal();
  }

  private static int readVarint(ByteBuf b) {
    int shift = 0;
    int result = 0;
    while (true) {
      byte x = b.readByte();
      result |= (x & 0x7f) << shift;
      if ((x & 0x80) == 0) {
        return result;
      }
      shift += 7;
    }
  }

  static byte[] framed(byte[] body) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    FrameMutator.writeVarint(o, body.length);
    o.writeBytes(body);
    return o.toByteArray();
  }

  private static List<byte[]> prepend(byte[] first, List<byte[]> rest) {
    List<byte[]> all = new ArrayList<>(rest.size() + 1);
    all.add(first);
    all.addAll(rest);
    return all;
  }

  private static Method pendingMethod() {
    try {
      Method m = ByteToMessageDecoder.class.getDeclaredMethod("actualReadableBytes");
      m.setAccessible(true);
      return m;
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
