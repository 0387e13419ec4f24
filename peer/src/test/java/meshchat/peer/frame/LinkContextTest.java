package meshchat.peer.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import meshchat.peer.identity.ChainAuthor;
import meshchat.peer.identity.Identity;
import meshchat.peer.identity.MessageSigning;
import meshchat.peer.limit.Counters;
import meshchat.peer.message.ChainHead;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.LinkMessage.CloseReason;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.proto.v1.LinkFrame;
import meshchat.wire.Framing;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Live chat frames in a link's context (docs/protocol.md, "Link context"): origins by a per-link
 * number once bound, and {@code prev} left out after its predecessor. Whatever a sender writes this
 * way reads back, by either reader, as the very messages it wrote; a steady stream costs no origin
 * bytes and no prev; and every way a frame can misuse the context is refused.
 */
class LinkContextTest {
  private static final String ROOM = "lobby";
  private static final List<Identity> AUTHORS = new ArrayList<>();

  static {
    SplittableRandom seeds = new SplittableRandom(11);
    for (int i = 0; i < 4; i++) {
      AUTHORS.add(Identity.seeded(seeds.split()));
    }
  }

  /** A sender's link: records in, length-prefixed frames out, as the peer writes them. */
  private static EmbeddedChannel sender() {
    EmbeddedChannel ch = new EmbeddedChannel();
    Framing.addTo(ch.pipeline(), LinkCodec.prototype(), Framing.DEFAULT_MAX_FRAME_BYTES);
    ch.pipeline().addLast("link-codec", new LinkCodec());
    return ch;
  }

  /**
   * A receiver's link as LinkPipeline builds it (without TLS): frames in, records out; its readers
   * chain and hash the live chats (the link's context knows the room).
   */
  private static EmbeddedChannel receiver(Counters counters) {
    return receiver(counters, true);
  }

  /** As above; {@code chains} false: the chain check alone chains (a context without the room). */
  private static EmbeddedChannel receiver(Counters counters, boolean chains) {
    EmbeddedChannel ch = new EmbeddedChannel();
    Framing.addTo(ch.pipeline(), LinkCodec.prototype(), Framing.DEFAULT_MAX_FRAME_BYTES);
    LinkContext refs = chains ? new LinkContext(ROOM) : new LinkContext();
    ch.pipeline().replace("proto-decoder", "proto-decoder", new LinkFrameDecoder(null, refs));
    ch.pipeline().addLast("link-codec", new LinkCodec(null, refs));
    ch.pipeline().addLast("verify", new ChainVerifier(ROOM, counters));
    return ch;
  }

  private static List<byte[]> written(EmbeddedChannel sender, List<LinkMessage> frames) {
    List<byte[]> out = new ArrayList<>();
    for (LinkMessage m : frames) {
      sender.writeOutbound(m);
      ByteBuf b;
      while ((b = sender.readOutbound()) != null) {
        out.add(ByteBufUtil.getBytes(b));
        b.release();
      }
    }
    return out;
  }

  private static List<Object> read(EmbeddedChannel receiver, List<byte[]> frames) {
    for (byte[] f : frames) {
      receiver.writeInbound(Unpooled.wrappedBuffer(f));
    }
    return Inbound.drain(receiver);
  }

  /** A room's live traffic: authors interleaved, deps naming others' latest, a head per burst. */
  private static List<LinkMessage> traffic(long seed, int messages) {
    Random r = new Random(seed);
    List<ChainAuthor> authors = new ArrayList<>();
    for (Identity id : AUTHORS) {
      authors.add(new ChainAuthor(id, ROOM));
    }
    List<LinkMessage> frames = new ArrayList<>();
    List<MessageId> latest = new ArrayList<>();
    long lamport = 1;
    int burst = 0;
    ChainAuthor a = authors.get(0);
    for (int i = 0; i < messages; i++) {
      if (burst == 0) {
        if (!frames.isEmpty()) {
          frames.add(new LinkMessage.Head(a.head()));
        }
        a = authors.get(r.nextInt(authors.size()));
        burst = 1 + r.nextInt(4);
      }
      List<MessageId> deps = new ArrayList<>();
      for (MessageId d : latest) {
        if (!d.origin().equals(a.identity().peerId()) && r.nextBoolean()) {
          deps.add(d);
        }
      }
      // wall times anywhere in their range, and nicks and texts of any size up to the bounds
      long wall =
          r.nextInt(3) == 0
              ? 253_402_300_799_999L - r.nextInt(1000)
              : r.nextInt(3) == 0 ? 0 : 1_700_000_000_000L + i;
      // texts in ASCII and not (the readers hash a text from its bytes as read)
      String text =
          r.nextInt(4) == 0 ? "é€\uD83D\uDE00".repeat(r.nextInt(40)) : "t".repeat(r.nextInt(300));
      ChatMessage m = a.next(lamport++, wall, "n" + r.nextInt(3), text, deps);
      latest.removeIf(d -> d.origin().equals(m.origin()));
      latest.add(m.id());
      frames.add(new LinkMessage.Chat(m));
      burst--;
    }
    frames.add(new LinkMessage.Head(a.head()));
    return frames;
  }

  private static List<ChatMessage> chats(List<?> frames) {
    List<ChatMessage> out = new ArrayList<>();
    for (Object o : frames) {
      if (o instanceof LinkMessage.Chat c) {
        out.add(c.message());
      }
    }
    return out;
  }

  @Property(tries = 60)
  void whatASenderWritesInContextReadsBackAsTheSameMessages(
      @ForAll long seed, @ForAll @IntRange(min = 1, max = 120) int messages) {
    List<LinkMessage> frames = traffic(seed, messages);
    List<byte[]> wire = written(sender(), frames);
    Counters counters = new Counters();
    List<Object> got = read(receiver(counters), wire);
    // every message authenticated by its head, prev and origins as the author wrote them
    assertThat(chats(got)).containsExactlyElementsOf(chats(frames));
    // as where the chain check alone chains
    assertThat(chats(read(receiver(new Counters(), false), wire)))
        .containsExactlyElementsOf(chats(frames));
    // both readers in a chaining context read the same records with the same chain hashes, each
    // the message's own (the one hashed from the text's bytes as read, the other from its string)
    LinkContext chainingDirect = new LinkContext(ROOM);
    LinkContext chainingGenerated = new LinkContext(ROOM);
    for (byte[] f : wire) {
      byte[] body = unprefixed(f);
      LinkMessage d = LinkFrameReader.read(body, 0, body.length, chainingDirect);
      LinkMessage g = LinkCodec.fromFrame(parse(f), null, chainingGenerated);
      assertThat(d).isEqualTo(g);
      if (d instanceof LinkMessage.Chat c) {
        assertThat(c.message().isChained()).isTrue();
        byte[] own = MessageSigning.hash(c.message(), ROOM);
        assertThat(c.hash()).isEqualTo(own);
        assertThat(((LinkMessage.Chat) g).hash()).isEqualTo(own);
      }
    }
    // and the generated parser reads the same frames in the same context to the same records
    LinkContext refs = new LinkContext();
    List<LinkMessage> generated = new ArrayList<>();
    for (byte[] f : wire) {
      generated.add(LinkCodec.fromFrame(parse(f), null, refs));
    }
    LinkContext refs2 = new LinkContext();
    List<LinkMessage> direct = new ArrayList<>();
    for (byte[] f : wire) {
      byte[] body = unprefixed(f);
      direct.add(LinkFrameReader.read(body, 0, body.length, refs2));
    }
    assertThat(direct).containsExactlyElementsOf(generated);
  }

  /**
   * A link keeps the string of the last nick it read and hands it out for the same bytes only: a
   * different nick, a prefix of it, or one over the nick bound is never taken for it, and a nick
   * over the bound is not kept.
   */
  @Test
  void theLastNickIsSharedForTheSameBytesOnly() {
    LinkContext context = new LinkContext();
    byte[] frame = "xxalicebob".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertThat(context.sameNick(frame, 2, 2)).isEqualTo(""); // the empty nick before any
    assertThat(context.sameNick(frame, 2, 7)).isNull();
    String alice = new String("alice");
    context.nickRead(frame, 2, 7, alice);
    byte[] again = "alice".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertThat(context.sameNick(again, 0, 5)).isSameAs(alice);
    assertThat(context.sameNick(again, 0, 4)).isNull();
    assertThat(context.sameNick(frame, 7, 10)).isNull();
    byte[] big = new byte[meshchat.peer.limit.WireBounds.MAX_NICK_BYTES + 1];
    java.util.Arrays.fill(big, (byte) 'a');
    context.nickRead(big, 0, big.length, new String(big, java.nio.charset.StandardCharsets.UTF_8));
    assertThat(context.sameNick(big, 0, big.length)).isNull();
    assertThat(context.sameNick(again, 0, 5)).isSameAs(alice);
  }

  @Test
  void aSteadyStreamCarriesNoOriginBytesAndNoPrev() {
    ChainAuthor alice = new ChainAuthor(AUTHORS.get(0), ROOM);
    ChainAuthor bob = new ChainAuthor(AUTHORS.get(1), ROOM);
    ChatMessage b1 = bob.next("hi");
    List<LinkMessage> frames = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      frames.add(
          new LinkMessage.Chat(
              alice.next(10 + i, 1_795_705_100_000L, "alice", "x".repeat(100), List.of(b1.id()))));
    }
    List<byte[]> wire = written(sender(), frames);
    int payload = 100 + "alice".length();
    // the first names both origins in full (16 bytes each) and carries the 32-byte prev of seq 1
    assertThat(wire.get(0).length - payload).isGreaterThan(16 + 16 + 32);
    for (byte[] f : wire.subList(1, 4)) {
      // later ones: numbers for both origins, no prev; what is left is seq, lamport, wall time,
      // the dep's seq and the framing: 23 bytes here
      assertThat(f.length - payload).isLessThanOrEqualTo(23);
      assertThat(indexOf(f, AUTHORS.get(0).peerId())).isNegative();
      assertThat(indexOf(f, AUTHORS.get(1).peerId())).isNegative();
    }
  }

  @Test
  void twoLinksOfOneThreadWriteASteadyStreamWithTheSameBytes() {
    List<LinkMessage> frames = traffic(5, 40);
    EmbeddedChannel one = sender();
    EmbeddedChannel two = sender();
    List<byte[]> a = new ArrayList<>();
    List<byte[]> b = new ArrayList<>();
    for (LinkMessage m : frames) {
      a.addAll(written(one, List.of(m)));
      b.addAll(written(two, List.of(m)));
    }
    for (int i = 0; i < a.size(); i++) {
      assertThat(a.get(i)).isEqualTo(b.get(i));
    }
  }

  // ---- refusals ----

  private static LinkFrame parse(byte[] prefixed) {
    try {
      return LinkFrame.parseFrom(unprefixed(prefixed));
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  private static byte[] unprefixed(byte[] f) {
    int at = 0;
    while (f[at] < 0) {
      at++;
    }
    byte[] body = new byte[f.length - at - 1];
    System.arraycopy(f, at + 1, body, 0, body.length);
    return body;
  }

  private static int indexOf(byte[] hay, PeerId id) {
    byte[] needle = new byte[id.length()];
    id.copyTo(needle, 0);
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** A chat frame's envelope (no length prefix) around {@code c}. */
  private static byte[] frame(meshchat.proto.v1.ChatMessage.Builder c) {
    return LinkFrame.newBuilder().setChat(c).build().toByteArray();
  }

  private static meshchat.proto.v1.ChatMessage.Builder wire(ChatMessage m) {
    return LinkCodec.toFrame(new LinkMessage.Chat(m)).getChat().toBuilder();
  }

  /** Both readers, in one link's context, on a run of frames: the last one's outcome. */
  private static void refusedByBoth(String why, byte[]... frames) {
    refusedByBothIn(new LinkContext(), new LinkContext(), e -> {}, why, frames);
  }

  /**
   * Both readers, each in its own of the two link contexts given, on a run of frames: the last one
   * is refused with INVALID_MESSAGE and {@code why}, and {@code also} holds of the refusal.
   */
  private static void refusedByBothIn(
      LinkContext direct,
      LinkContext generated,
      java.util.function.Consumer<LinkFrameException> also,
      String why,
      byte[]... frames) {
    for (int i = 0; i < frames.length; i++) {
      byte[] f = frames[i];
      if (i < frames.length - 1) {
        LinkFrameReader.read(f, 0, f.length, direct);
        LinkCodec.fromFrame(parseBody(f), null, generated);
        continue;
      }
      for (Runnable r :
          List.<Runnable>of(
              () -> LinkFrameReader.read(f, 0, f.length, direct),
              () -> LinkCodec.fromFrame(parseBody(f), null, generated))) {
        assertThatThrownBy(r::run)
            .isInstanceOfSatisfying(
                LinkFrameException.class,
                e -> {
                  assertThat(e.reason()).isEqualTo(CloseReason.INVALID_MESSAGE);
                  also.accept(e);
                })
            .hasMessageContaining(why);
      }
    }
  }

  private static LinkFrame parseBody(byte[] f) {
    try {
      return LinkFrame.parseFrom(f);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aNumberAloneMustHaveBeenBoundOnThisLink() {
    ChatMessage m = new ChainAuthor(AUTHORS.get(0), ROOM).next("one");
    refusedByBoth("never bound", frame(wire(m).clearOrigin().setOriginRef(1)));
    // bound on another link does not count: each link has its own table
    refusedByBoth("never bound", frame(wire(m).clearOrigin().setOriginRef(7)));
  }

  @Test
  void aNumberCannotBeBoundToASecondOrigin() {
    ChainAuthor alice = new ChainAuthor(AUTHORS.get(0), ROOM);
    ChainAuthor bob = new ChainAuthor(AUTHORS.get(1), ROOM);
    refusedByBoth(
        "bound to another origin",
        frame(wire(alice.next("a")).setOriginRef(3)),
        frame(wire(bob.next("b")).setOriginRef(3)));
  }

  @Test
  void numbersOutOfRangeAreRefusedWhateverTheirWidth() {
    ChatMessage m = new ChainAuthor(AUTHORS.get(0), ROOM).next("one");
    // -1 is the uint32 4294967295 on the wire
    for (int ref : new int[] {LinkContext.MAX_REF + 1, Integer.MAX_VALUE, -1}) {
      refusedByBoth("is not 1.." + LinkContext.MAX_REF, frame(wire(m).setOriginRef(ref)));
    }
  }

  @Test
  void aDepsNumberFollowsTheSameRules() {
    ChainAuthor alice = new ChainAuthor(AUTHORS.get(0), ROOM);
    ChatMessage b = new ChainAuthor(AUTHORS.get(1), ROOM).next("b");
    ChatMessage m = alice.next(5, 1, "alice", "x", List.of(b.id()));
    var c = wire(m);
    c.setDeps(0, c.getDeps(0).toBuilder().clearOrigin().setOriginRef(2));
    refusedByBoth("never bound", frame(c));
  }

  @Test
  void theLargestNumberBindsAndTheTableStaysBounded() {
    LinkContext refs = new LinkContext();
    PeerId a = AUTHORS.get(0).peerId();
    assertThat(refs.resolve(a, LinkContext.MAX_REF)).isEqualTo(a);
    assertThat(refs.resolve(null, LinkContext.MAX_REF)).isEqualTo(a);
    assertThat(refs.resolve(a, LinkContext.MAX_REF)).isEqualTo(a); // binding again: the same
  }

  @Test
  void numbersAreIgnoredOutsideALiveChatFrame() throws Exception {
    ChainAuthor alice = new ChainAuthor(AUTHORS.get(0), ROOM);
    ChatMessage m = alice.next("one");
    var batch =
        meshchat.proto.v1.SyncBatch.newBuilder()
            .setRequestId(1)
            .addMessages(wire(m).setOriginRef(5))
            .build();
    LinkMessage got =
        LinkCodec.fromFrame(
            LinkFrame.newBuilder().setSyncBatch(batch).build(), null, new LinkContext());
    assertThat(((LinkMessage.SyncBatch) got).messages()).containsExactly(m);
    // and a history message's prev is never implied
    var noPrev =
        meshchat.proto.v1.SyncBatch.newBuilder()
            .addMessages(wire(m).clearPrev().setOriginRef(5))
            .build();
    byte[] f = LinkFrame.newBuilder().setSyncBatch(noPrev).build().toByteArray();
    assertThatThrownBy(() -> LinkFrameDecoder.decode(f, null))
        .isInstanceOf(LinkFrameException.class)
        .hasMessageContaining("no 32-byte prev");
  }

  @Test
  void aWallTimeDifferenceNeedsAnEarlierLiveChatAndStaysInRange() {
    ChainAuthor alice = new ChainAuthor(AUTHORS.get(0), ROOM);
    ChatMessage a1 = alice.next(1, 5_000, "a", "1", List.of());
    ChatMessage a2 = alice.next(2, 5_000, "a", "2", List.of());
    refusedByBoth("first live chat", frame(wire(a1).clearWallTimeMs().setWallTimeDeltaMs(0)));
    refusedByBoth(
        "both wall_time_ms and wall_time_delta_ms",
        frame(wire(a1)),
        frame(wire(a2).setWallTimeDeltaMs(1)));
    refusedByBoth(
        "out of range",
        frame(wire(a1)),
        frame(wire(a2).clearWallTimeMs().setWallTimeDeltaMs(Long.MAX_VALUE)));
    refusedByBoth(
        "wall time out of range",
        frame(wire(a1)),
        frame(wire(a2).clearWallTimeMs().setWallTimeDeltaMs(-5_001)));
    // a difference of 0 is sent, and means the same time
    LinkContext context = new LinkContext();
    LinkCodec.fromFrame(parseBody(frame(wire(a1))), null, context);
    LinkMessage got =
        LinkCodec.fromFrame(
            parseBody(frame(wire(a2).clearWallTimeMs().setWallTimeDeltaMs(0))), null, context);
    assertThat(((LinkMessage.Chat) got).message().wallTimeMs()).isEqualTo(5_000);
  }

  @Test
  void prevMayBeLeftOutOnlyRightAfterItsPredecessorOnTheLink() {
    ChainAuthor alice = new ChainAuthor(AUTHORS.get(0), ROOM);
    ChainAuthor bob = new ChainAuthor(AUTHORS.get(1), ROOM);
    ChatMessage a1 = alice.next("1");
    ChatMessage a2 = alice.next("2");
    ChatMessage b1 = bob.next("b");
    ChatMessage a3 = alice.next("3");
    // first on the link: nothing implies it
    refusedOnTheLink("leaves out prev", frame(wire(a2).clearPrev()));
    // after another author's message
    refusedOnTheLink(
        "leaves out prev", frame(wire(a1)), frame(wire(b1)), frame(wire(a2).clearPrev()));
    // after a gap in the author's own run
    refusedOnTheLink("leaves out prev", frame(wire(a1)), frame(wire(a3).clearPrev()));
    // right after its predecessor it reads, and authenticates, as written
    Counters counters = new Counters();
    EmbeddedChannel rx = receiver(counters);
    List<Object> got =
        read(
            rx,
            List.of(
                prefixed(frame(wire(a1))),
                prefixed(frame(wire(a2).clearPrev())),
                prefixed(LinkCodec.toFrame(new LinkMessage.Head(headAt(alice, 2))).toByteArray())));
    assertThat(chats(got)).containsExactly(a1, a2);
  }

  private static ChainHead headAt(ChainAuthor author, long seq) {
    // the author's head now is over seq 3; a head over seq 2 is what a burst of two would carry
    ChainAuthor again = new ChainAuthor(author.identity(), ROOM);
    for (ChatMessage m : author.written().subList(0, (int) seq)) {
      again.next(m.lamport(), m.wallTimeMs(), m.nick(), m.text(), m.deps());
    }
    return again.head();
  }

  /**
   * Refused on a link whose readers chain (the refusal is the frame decoder's) and on one where the
   * chain check alone chains (its own), alike: closed with INVALID_MESSAGE, counted once as a bad
   * signature (where the link layer counts a refusal not counted already: LinkErrors), with the
   * same words; and by both readers alone in a chaining context.
   */
  private static void refusedOnTheLink(String why, byte[]... frames) {
    for (boolean chains : new boolean[] {true, false}) {
      Counters counters = new Counters();
      EmbeddedChannel rx = receiver(counters, chains);
      List<byte[]> wire = new ArrayList<>();
      for (byte[] f : frames) {
        wire.add(prefixed(f));
      }
      assertThatThrownBy(() -> read(rx, wire))
          .isInstanceOfSatisfying(
              LinkFrameException.class,
              e -> {
                assertThat(e.reason()).isEqualTo(CloseReason.INVALID_MESSAGE);
                assertThat(e.counter()).isEqualTo(Counters.Counter.BAD_SIGNATURE);
                long counted = counters.get(Counters.Counter.BAD_SIGNATURE);
                assertThat(counted + (e.counted() ? 0 : 1)).isEqualTo(1);
              })
          .hasMessageContaining(why)
          .hasMessageContaining("but the link's last message is not its predecessor");
    }
    refusedByBothIn(
        new LinkContext(ROOM),
        new LinkContext(ROOM),
        e -> assertThat(e.counter()).isEqualTo(Counters.Counter.BAD_SIGNATURE),
        why,
        frames);
  }

  private static byte[] prefixed(byte[] body) {
    ByteString.Output out = ByteString.newOutput();
    try {
      com.google.protobuf.CodedOutputStream c =
          com.google.protobuf.CodedOutputStream.newInstance(out);
      c.writeUInt32NoTag(body.length);
      c.writeRawBytes(body);
      c.flush();
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
    return out.toByteString().toByteArray();
  }
}
