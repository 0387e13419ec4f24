package meshchat.tracker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import meshchat.proto.v1.Error.Code;
import meshchat.proto.v1.Register;
import meshchat.proto.v1.TrackerFrame;
import meshchat.tracker.TrackerConfig;
import meshchat.tracker.TrackerServerInitializer;
import meshchat.tracker.directory.Directory;
import meshchat.wire.Framing;
import org.junit.jupiter.api.Test;

/** The session pipeline without sockets: frames split anyhow, oversize and garbage. */
class SessionPipelineTest {
  private final TrackerConfig config = TrackerConfig.localTest().with(d -> d.maxFrameBytes = 256);

  private EmbeddedChannel channel() {
    EmbeddedChannel ch = new EmbeddedChannel();
    TrackerHub hub = new TrackerHub(new Directory(Clock.systemUTC(), config.limits()), 5000, 15000);
    TrackerServerInitializer.addHandlers(ch.pipeline(), config, hub, null);
    return ch;
  }

  private static byte[] wire(TrackerFrame f) {
    byte[] body = f.toByteArray();
    ByteBuf out = Unpooled.buffer();
    int n = body.length;
    while (n >= 0x80) {
      out.writeByte((n & 0x7f) | 0x80);
      n >>>= 7;
    }
    out.writeByte(n).writeBytes(body);
    byte[] bytes = new byte[out.readableBytes()];
    out.readBytes(bytes);
    return bytes;
  }

  private static TrackerFrame readFrame(EmbeddedChannel ch) throws Exception {
    ByteBuf all = Unpooled.buffer();
    for (Object o; (o = ch.readOutbound()) != null; ) {
      all.writeBytes((ByteBuf) o);
      ((ByteBuf) o).release();
    }
    return TrackerFrame.parseDelimitedFrom(new ByteBufInputStream(all, true));
  }

  @Test
  void aRegisterArrivingOneByteAtATimeIsAnswered() throws Exception {
    EmbeddedChannel ch = channel();
    TrackerFrame register =
        TrackerFrame.newBuilder()
            .setRegister(
                Register.newBuilder()
                    .setRequestId(3)
                    .setProtocolVersion(Framing.TRACKER_PROTOCOL_VERSION)
                    .setRoom("general")
                    .setPeerId(ByteString.copyFromUtf8("alice"))
                    .setNick("alice")
                    .setHost("10.0.0.1")
                    .setPort(7000))
            .build();
    byte[] bytes = wire(register);
    for (int i = 0; i < bytes.length - 1; i++) {
      ch.writeInbound(Unpooled.wrappedBuffer(bytes, i, 1));
      assertThat(ch.<Object>readOutbound()).isNull();
    }
    ch.writeInbound(Unpooled.wrappedBuffer(bytes, bytes.length - 1, 1));

    TrackerFrame answer = readFrame(ch);
    assertThat(answer.hasRegistered()).as(answer.toString()).isTrue();
    assertThat(answer.getRegistered().getRequestId()).isEqualTo(3);
    assertThat(answer.getRegistered().getYou().getNick()).isEqualTo("alice");
    assertThat(ch.isActive()).isTrue();
  }

  @Test
  void anOversizeFrameIsRefusedBeforeItsPayloadArrives() throws Exception {
    EmbeddedChannel ch = channel();
    ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {(byte) 0x81, 0x02})); // 257 > 256

    TrackerFrame answer = readFrame(ch);
    assertThat(answer.getError().getCode()).isEqualTo(Code.FRAME_TOO_LARGE);
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  void garbageIsAProtocolErrorAndCloses() throws Exception {
    EmbeddedChannel ch = channel();
    ch.writeInbound(Unpooled.wrappedBuffer("\u0004junk".getBytes(StandardCharsets.US_ASCII)));

    TrackerFrame answer = readFrame(ch);
    assertThat(answer.getError().getCode()).isEqualTo(Code.PROTOCOL_ERROR);
    assertThat(answer.getError().getFatal()).isTrue();
    // protobuf's own text (how it failed to parse) is not ours to hand out
    assertThat(answer.getError().getMessage()).isEqualTo("malformed frame");
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  void aFailureOfOursIsToldAsAnInternalErrorNeverItsText() throws Exception {
    EmbeddedChannel ch = channel();
    ch.pipeline()
        .fireExceptionCaught(
            new IllegalStateException("index 7 out of bounds in /var/lib/tracker/state"));
    ch.runPendingTasks(); // outside a read, the flush consolidation flushes from a task
    TrackerFrame answer = readFrame(ch);
    assertThat(answer.getError().getCode()).isEqualTo(Code.PROTOCOL_ERROR);
    assertThat(answer.getError().getMessage()).isEqualTo("internal error");
    assertThat(ch.isOpen()).isFalse();
  }
}
