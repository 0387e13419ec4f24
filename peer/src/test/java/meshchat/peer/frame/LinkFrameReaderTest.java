package meshchat.peer.frame;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import meshchat.peer.identity.ChainAuthor;
import meshchat.peer.identity.Identity;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.PeerId;
import meshchat.proto.v1.ChainHead;
import meshchat.proto.v1.LinkFrame;
import meshchat.proto.v1.MessageId;
import meshchat.proto.v1.SyncBatch;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The direct reader never disagrees with the generated parser and {@link LinkCodec}: on any bytes,
 * it either declines (and the generated path decides), or gives the same record, or refuses with
 * the same reason and message. And it does read what an honest peer sends, so the fast path is the
 * path taken.
 */
class LinkFrameReaderTest {
  private static final Identity ALICE = Identity.seeded(new SplittableRandom(7));

  /** The generated path's outcome: the record, or the refusal as text. */
  private static Object generated(byte[] frame) {
    try {
      return LinkCodec.fromFrame(LinkFrame.parseFrom(frame));
    } catch (InvalidProtocolBufferException e) {
      return "unparsable";
    } catch (LinkFrameException e) {
      return e.reason() + ": " + e.getMessage();
    }
  }

  /** The direct reader's outcome, or null where it declines. */
  private static Object direct(byte[] frame) {
    try {
      return LinkFrameReader.read(frame, 0, frame.length);
    } catch (LinkFrameException e) {
      return e.reason() + ": " + e.getMessage();
    }
  }

  private static void agrees(byte[] frame) {
    Object d = direct(frame);
    if (d != null) {
      assertThat(d).isEqualTo(generated(frame));
    }
  }

  private static List<byte[]> honestFrames() {
    ChainAuthor alice = new ChainAuthor(ALICE, "lobby");
    List<ChatMessage> run = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      run.add(alice.next(i == 3 ? "héllo wörld ✓ 🎉" : "line " + i));
    }
    List<byte[]> out = new ArrayList<>();
    for (ChatMessage m : run) {
      out.add(LinkCodec.toFrame(new LinkMessage.Chat(m)).toByteArray());
    }
    out.add(LinkCodec.toFrame(new LinkMessage.Head(alice.head())).toByteArray());
    out.add(
        LinkCodec.toFrame(new LinkMessage.SyncBatch(9, run, true, List.of(alice.head())))
            .toByteArray());
    out.add(
        LinkCodec.toFrame(new LinkMessage.SyncBatch(10, List.of(), false, List.of()))
            .toByteArray());
    return out;
  }

  @Test
  void readsWhatAnHonestPeerSendsAsTheGeneratedPathDoes() {
    for (byte[] frame : honestFrames()) {
      Object d = direct(frame);
      assertThat(d).isNotNull().isInstanceOf(LinkMessage.class).isEqualTo(generated(frame));
    }
  }

  /** Any number of deps, below, at and past the reader's first room for them, up to the limit. */
  @Test
  void readsAnyNumberOfDepsAsTheGeneratedPathDoes() {
    PeerId bob = PeerId.of(new byte[] {9, 9, 9});
    for (int n : new int[] {0, 1, 3, 4, 5, 8, 9, 17, LinkCodec.MAX_DEPS, LinkCodec.MAX_DEPS + 1}) {
      List<meshchat.peer.message.MessageId> deps = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        deps.add(new meshchat.peer.message.MessageId(i % 2 == 0 ? bob : ALICE.peerId(), 1 + i));
      }
      ChatMessage m =
          new ChatMessage(
              new meshchat.peer.message.MessageId(ALICE.peerId(), 100),
              200,
              0,
              "alice",
              "deps",
              deps,
              new byte[32]);
      byte[] frame = LinkCodec.toFrame(new LinkMessage.Chat(m)).toByteArray();
      Object d = direct(frame);
      if (n <= LinkCodec.MAX_DEPS) {
        assertThat(d).as("%d deps", n).isEqualTo(new LinkMessage.Chat(m));
      }
      agrees(frame);
    }
  }

  /**
   * A link's reader and its fields are kept from frame to frame: whatever came before (a frame
   * refused for its deps, one with a {@code prev}, a nick change, a malformed one), each frame
   * reads as it does on a fresh link.
   */
  @Test
  void aLinksFramesReadInTurnReadAsEachAlone() {
    PeerId bob = PeerId.of(new byte[] {9, 9, 9});
    List<byte[]> frames = new ArrayList<>(honestFrames());
    for (int n : new int[] {LinkCodec.MAX_DEPS + 1, 0, 9, 200, 2}) {
      List<meshchat.peer.message.MessageId> deps = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        deps.add(new meshchat.peer.message.MessageId(bob, 1 + i));
      }
      ChatMessage m =
          new ChatMessage(
              new meshchat.peer.message.MessageId(ALICE.peerId(), 100 + n),
              200,
              7,
              n % 2 == 0 ? "alice" : "bob",
              "deps",
              deps,
              n % 3 == 0 ? new byte[0] : new byte[32]);
      frames.add(LinkCodec.toFrame(new LinkMessage.Chat(m)).toByteArray());
      frames.add(
          LinkCodec.toFrame(
                  new LinkMessage.Chat(
                      ChatMessage.nickChange(
                          new meshchat.peer.message.MessageId(ALICE.peerId(), 300 + n),
                          400,
                          0,
                          "al" + n,
                          List.of())))
              .toByteArray());
    }
    MalformedFrameTest.cases().forEach(a -> frames.add(((LinkFrame) a.get()[1]).toByteArray()));
    frames.addAll(honestFrames());
    LinkContext link = new LinkContext();
    Random r = new Random(5);
    for (int round = 0; round < 3; round++) {
      for (byte[] frame : frames) {
        assertThat(inContext(frame, link)).isEqualTo(inContext(frame, new LinkContext()));
      }
      java.util.Collections.shuffle(frames, r);
    }
  }

  private static Object inContext(byte[] frame, LinkContext context) {
    try {
      return LinkFrameReader.read(frame, 0, frame.length, context);
    } catch (LinkFrameException e) {
      return e.reason() + ": " + e.getMessage();
    }
  }

  static Stream<Arguments> malformed() {
    return MalformedFrameTest.cases().map(a -> Arguments.of(a.get()[0], a.get()[1]));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void refusesABadFieldAsTheGeneratedPathDoes(String field, LinkFrame frame) {
    agrees(frame.toByteArray());
  }

  @Property(tries = 2000)
  void agreesOnAnyChangedByte(@ForAll long seed) {
    Random r = new Random(seed);
    List<byte[]> frames = honestFrames();
    byte[] f = frames.get(r.nextInt(frames.size())).clone();
    int changes = 1 + r.nextInt(3);
    for (int i = 0; i < changes; i++) {
      f[r.nextInt(f.length)] ^= (byte) (1 + r.nextInt(255));
    }
    agrees(f);
  }

  @Property(tries = 500)
  void agreesOnACutFrame(@ForAll long seed) {
    Random r = new Random(seed);
    List<byte[]> frames = honestFrames();
    byte[] f = frames.get(r.nextInt(frames.size()));
    agrees(java.util.Arrays.copyOf(f, r.nextInt(f.length + 1)));
  }

  /**
   * Fields the reader must take as Protobuf does: repeated singular fields, unknown fields, odd
   * varints.
   */
  @Test
  void agreesOnUnusualButValidEncodings() throws IOException {
    byte[] id = new byte[16];
    id[0] = 1;
    meshchat.proto.v1.ChatMessage base =
        meshchat.proto.v1.ChatMessage.newBuilder()
            .setOrigin(ByteString.copyFrom(id))
            .setSeq(3)
            .setLamport(4)
            .setNick("n")
            .setText("t")
            .setPrev(ByteString.copyFrom(new byte[32]))
            .addDeps(MessageId.newBuilder().setOrigin(ByteString.copyFrom(id)).setSeq(2))
            .build();
    // the same fields again after the first ones: the last wins, deps add up
    byte[] twice =
        concat(base.toByteArray(), base.toBuilder().setSeq(5).setText("u").build().toByteArray());
    agreesAndReads(wrap(2, twice));
    // an unknown field in the message, and one in the envelope: the reader declines
    ByteArrayOutputStream unknown = new ByteArrayOutputStream();
    CodedOutputStream o = CodedOutputStream.newInstance(unknown);
    o.writeUInt64(99, 1);
    o.flush();
    byte[] withUnknown = concat(base.toByteArray(), unknown.toByteArray());
    assertThat(direct(wrap(2, withUnknown))).isNull();
    assertThat(direct(concat(wrap(2, base.toByteArray()), unknown.toByteArray()))).isNull();
    // a varint written in more bytes than it needs (seq = 3 as 3, 0x80, 0x80, 0x00)
    byte[] padded =
        concat(
            base.toBuilder().clearSeq().build().toByteArray(),
            new byte[] {2 << 3, (byte) 0x83, (byte) 0x80, 0x00});
    agreesAndReads(wrap(2, padded));
    // not UTF-8 in the text: Protobuf refuses it; the reader declines
    byte[] badText =
        concat(
            base.toBuilder().clearText().build().toByteArray(),
            new byte[] {6 << 3 | 2, 2, (byte) 0xC0, (byte) 0x80});
    assertThat(direct(wrap(2, badText))).isNull();
    assertThat(generated(wrap(2, badText))).isEqualTo("unparsable");
    // a batch of such messages and a head with its fields out of order
    SyncBatch batch =
        SyncBatch.newBuilder()
            .setRequestId(7)
            .addMessages(base)
            .setDone(true)
            .addHeads(
                ChainHead.newBuilder()
                    .setSignature(ByteString.copyFrom(new byte[64]))
                    .setHash(ByteString.copyFrom(new byte[32]))
                    .setSeq(3)
                    .setOrigin(ByteString.copyFrom(id)))
            .build();
    agreesAndReads(wrap(5, batch.toByteArray()));
  }

  private static void agreesAndReads(byte[] frame) {
    Object d = direct(frame);
    assertThat(d).isNotNull().isEqualTo(generated(frame));
  }

  private static byte[] wrap(int field, byte[] body) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CodedOutputStream o = CodedOutputStream.newInstance(out);
    o.writeByteArray(field, body);
    o.flush();
    return out.toByteArray();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }
}
