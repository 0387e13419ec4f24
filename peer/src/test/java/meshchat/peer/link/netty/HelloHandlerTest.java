package meshchat.peer.link.netty;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import meshchat.peer.frame.LinkCodec;
import meshchat.peer.identity.HelloProofs;
import meshchat.peer.identity.Identity;
import meshchat.peer.identity.PakeSession;
import meshchat.peer.identity.RoomKey;
import meshchat.peer.limit.Counters;
import meshchat.peer.link.Link;
import meshchat.peer.link.LinkConfig;
import meshchat.peer.link.LinkEvents;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.LinkMessage.Close;
import meshchat.peer.message.LinkMessage.CloseReason;
import meshchat.peer.message.LinkMessage.Hello;
import meshchat.peer.message.LinkMessage.HelloProof;
import meshchat.peer.message.PeerId;
import meshchat.proto.v1.ChatMessage;
import meshchat.proto.v1.LinkFrame;
import meshchat.wire.Framing;
import org.junit.jupiter.api.Test;

/**
 * The whole link pipeline on an EmbeddedChannel, bytes in and bytes out: the handshake's outcomes,
 * the swap to the dispatcher, liveness, and garbage.
 */
class HelloHandlerTest {
  private final SplittableRandom random = new SplittableRandom(7);
  private final Identity me = Identity.generate();
  private final PeerId self = me.peerId();
  private final Identity them = Identity.generate();
  private final Identity mallory = Identity.generate();
  private final PeerId other = them.peerId();
  private final byte[] theirChallenge = HelloProofs.newChallenge();
  private RoomKey roomKey; // null: an open room
  private final List<String> events = new CopyOnWriteArrayList<>();
  private final LinkConfig config =
      LinkConfig.defaults().with(d -> d.maxFrameBytes = 2048); // J-PAKE round 1 is 1,112 bytes

  private EmbeddedChannel channel() {
    return channel(null);
  }

  /** {@code verify}: where signature and batch checks run; null: inline. */
  private EmbeddedChannel channel(java.util.concurrent.Executor verify) {
    LinkEvents ev =
        new LinkEvents() {
          @Override
          public void up(Link link) {
            events.add("up " + link.peer().shortHex());
          }

          @Override
          public void received(Link link, List<LinkMessage> ms) {
            ms.forEach(m -> events.add("got " + m));
          }

          @Override
          public void down(Link link) {
            events.add("down");
          }
        };
    LinkSetup setup =
        new LinkSetup(
            config,
            me,
            roomKey == null ? "lobby" : room(),
            () ->
                new Hello(
                    Framing.PROTOCOL_VERSION,
                    self,
                    "me",
                    roomKey == null ? "lobby" : room(),
                    4000,
                    9),
            ev,
            "[test]",
            new Counters(),
            roomKey);
    EmbeddedChannel ch = new EmbeddedChannel();
    LinkPipeline.build(ch.pipeline(), setup, true, null, new SecretGuesses(), verify);
    ch.pipeline().fireChannelActive();
    return ch;
  }

  private static ByteBuf bytes(LinkMessage m) {
    byte[] body = LinkCodec.toFrame(m).toByteArray();
    ByteBuf b = Unpooled.buffer();
    writeVarint(b, body.length);
    return b.writeBytes(body);
  }

  private static void writeVarint(ByteBuf b, int v) {
    while ((v & ~0x7F) != 0) {
      b.writeByte((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    b.writeByte(v);
  }

  /** Every frame the channel wrote, decoded. */
  private static List<LinkMessage> written(EmbeddedChannel ch) throws Exception {
    List<LinkMessage> out = new ArrayList<>();
    ByteBuf all = Unpooled.buffer();
    for (Object o; (o = ch.readOutbound()) != null; ) {
      all.writeBytes((ByteBuf) o);
      ((ByteBuf) o).release();
    }
    while (all.isReadable()) {
      int len = readVarint(all);
      byte[] body = new byte[len];
      all.readBytes(body);
      out.add(LinkCodec.fromFrame(LinkFrame.parseFrom(body)));
    }
    return out;
  }

  private static int readVarint(ByteBuf b) {
    int shift = 0;
    int result = 0;
    while (true) {
      byte x = b.readByte();
      result |= (x & 0x7F) << shift;
      if ((x & 0x80) == 0) {
        return result;
      }
      shift += 7;
    }
  }

  private String room() {
    return roomKey.roomId();
  }

  private Hello theirs(int version, String room, PeerId id) {
    return new Hello(version, id, "them", room, 5000, 3)
        .withIdentity(them.publicKey(), theirChallenge);
  }

  /** Their half of a good handshake: Hello, then the proof over our challenge. */
  private Hello open(EmbeddedChannel ch) throws Exception {
    return open(ch, them, roomKey);
  }

  private Hello open(EmbeddedChannel ch, Identity signer) throws Exception {
    return open(ch, signer, null);
  }

  private Hello open(EmbeddedChannel ch, Identity signer, RoomKey secret) throws Exception {
    if (secret != null) {
      return openPrivate(ch, signer, secret);
    }
    String room = "lobby";
    Hello ours = (Hello) written(ch).get(0);
    ch.writeInbound(bytes(theirs(Framing.PROTOCOL_VERSION, room, other)));
    byte[] t = HelloProofs.transcript(room, other, self, ours.challenge(), theirChallenge);
    ch.writeInbound(bytes(new HelloProof(signer.sign(t), new byte[0])));
    return ours;
  }

  /**
   * Their half of a private room handshake with {@code secret}: Hello (no room) and J-PAKE round 1,
   * then, on our HelloProof and round 2, theirs; then, on our round 3, theirs.
   */
  private Hello openPrivate(EmbeddedChannel ch, Identity signer, RoomKey secret) throws Exception {
    List<LinkMessage> first = written(ch);
    Hello ours = (Hello) first.get(0);
    assertThat(ours.room()).isEmpty(); // the room id is never told before the secret is proved
    LinkMessage.RoomPake our1 = (LinkMessage.RoomPake) first.get(1);
    PakeSession pake = new PakeSession(secret, other);
    ch.writeInbound(bytes(theirs(Framing.PROTOCOL_VERSION, "", other)));
    ch.writeInbound(bytes(new LinkMessage.RoomPake(1, pake.round1())));
    List<LinkMessage> second = written(ch);
    assertThat(second.get(0)).isInstanceOf(HelloProof.class);
    LinkMessage.RoomPake our2 = (LinkMessage.RoomPake) second.get(1);
    assertThat(pake.acceptRound1(self, our1.payload())).isNull();
    byte[] t = HelloProofs.transcript("", other, self, ours.challenge(), theirChallenge);
    ch.writeInbound(bytes(new HelloProof(signer.sign(t), new byte[0])));
    ch.writeInbound(bytes(new LinkMessage.RoomPake(2, pake.round2())));
    assertThat(pake.acceptRound2(our2.payload())).isNull();
    List<LinkMessage> third = written(ch);
    LinkMessage.RoomPake our3 = (LinkMessage.RoomPake) third.get(0);
    byte[] their3 = pake.round3();
    // a wrong guess learns only this: our confirmation does not match its key
    assertThat(pake.acceptRound3(our3.payload())).isEqualTo(secret == roomKey);
    ch.writeInbound(bytes(new LinkMessage.RoomPake(3, their3)));
    return ours;
  }

  private Close refusalOf(Hello h) throws Exception {
    EmbeddedChannel ch = channel();
    assertThat(written(ch).get(0)).isInstanceOf(Hello.class); // ours goes first, unconditionally
    ch.writeInbound(bytes(h));
    return lastClose(ch);
  }

  @Test
  void aGoodHelloSwapsInTheDispatcher() throws Exception {
    EmbeddedChannel ch = channel();
    open(ch);
    assertThat(events).containsExactly("up " + other.shortHex());
    assertThat(ch.pipeline().names()).contains("liveness", "dispatch").doesNotContain("hello");
    ch.writeInbound(bytes(new LinkMessage.Ping(77)));
    ch.writeInbound(bytes(new LinkMessage.Close(CloseReason.LEAVING, "bye")));
    List<LinkMessage> out = written(ch);
    assertThat(out).contains(new LinkMessage.Pong(77));
    assertThat(ch.isActive()).isFalse();
    assertThat(events).last().isEqualTo("down");
  }

  @Test
  void theDispatcherHandsOnChatAndDigests() throws Exception {
    EmbeddedChannel ch = channel();
    open(ch);
    ch.writeInbound(bytes(new LinkMessage.Digest(List.of(), true)));
    assertThat(events).hasSize(2);
    assertThat(events.get(1)).startsWith("got Digest");
  }

  @Test
  void aWrongRoomAWrongVersionAndALinkToSelfAreEachRefusedWithTheirReason() throws Exception {
    int version = Framing.PROTOCOL_VERSION;
    assertThat(refusalOf(theirs(version, "kitchen", other)).reason())
        .isEqualTo(CloseReason.WRONG_ROOM);
    assertThat(refusalOf(theirs(99, "lobby", other)).reason())
        .isEqualTo(CloseReason.VERSION_MISMATCH);
    // a peer of the version before this one (docs/operations.md, "Upgrading a room")
    Close older = refusalOf(theirs(version - 1, "lobby", other));
    assertThat(older.reason()).isEqualTo(CloseReason.VERSION_MISMATCH);
    assertThat(older.message())
        .isEqualTo("protocol version " + (version - 1) + " is not " + version);
    assertThat(refusalOf(theirs(version, "lobby", self)).reason()).isEqualTo(CloseReason.SELF_LINK);
  }

  @Test
  void aFirstFrameOtherThanHelloIsAProtocolError() throws Exception {
    EmbeddedChannel ch = channel();
    ch.writeInbound(bytes(new LinkMessage.Ping(1)));
    assertThat(lastClose(ch).reason()).isEqualTo(CloseReason.PROTOCOL_ERROR);
  }

  @Test
  void garbageBytesCloseWithProtocolErrorOnce() throws Exception {
    EmbeddedChannel ch = channel();
    // length 5, then bytes that are not a LinkFrame (field 15, wire type 7 is invalid)
    byte[] junk = {5, (byte) 0x7F, (byte) 0xFF, 1, 2, 3};
    ch.writeInbound(Unpooled.wrappedBuffer(junk, junk)); // two bad frames, one Close
    List<LinkMessage> out = written(ch);
    assertThat(out.stream().filter(m -> m instanceof Close).count()).isEqualTo(1);
    assertThat(((Close) out.get(out.size() - 1)).reason()).isEqualTo(CloseReason.PROTOCOL_ERROR);
    // protobuf's own text (how it failed to parse) is not ours to hand out
    assertThat(((Close) out.get(out.size() - 1)).message()).isEqualTo("malformed frame");
    assertThat(ch.isActive()).isFalse();
  }

  @Test
  void anOversizeFrameClosesWithFrameTooLarge() throws Exception {
    EmbeddedChannel ch = channel();
    ByteBuf b = Unpooled.buffer();
    writeVarint(b, 4096); // over the 2048-byte limit: refused before buffering the body
    b.writeBytes(new byte[16]);
    ch.writeInbound(b);
    assertThat(lastClose(ch).reason()).isEqualTo(CloseReason.FRAME_TOO_LARGE);
  }

  @Test
  void anEmptyEnvelopeIsAProtocolErrorAndBadContentIsInvalid() throws Exception {
    EmbeddedChannel ch = channel();
    ch.writeInbound(bytes(theirs(Framing.PROTOCOL_VERSION, "lobby", other)));
    ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {0})); // a zero-length LinkFrame
    assertThat(lastClose(ch).reason()).isEqualTo(CloseReason.PROTOCOL_ERROR);

    EmbeddedChannel ch2 = channel();
    open(ch2);
    byte[] seqZero =
        LinkFrame.newBuilder()
            .setChat(
                ChatMessage.newBuilder()
                    .setOrigin(ByteString.copyFrom(other.toBytes()))
                    .setSeq(0)
                    .setLamport(1))
            .build()
            .toByteArray();
    ByteBuf b = Unpooled.buffer();
    writeVarint(b, seqZero.length);
    ch2.writeInbound(b.writeBytes(seqZero));
    assertThat(closing(ch2).reason()).isEqualTo(CloseReason.INVALID_MESSAGE);
  }

  @Test
  void aSilentPeerIsPingedThenClosedAsIdle() throws Exception {
    EmbeddedChannel ch = channel();
    open(ch);
    written(ch);
    List<LinkMessage> out = new ArrayList<>(onTime(ch, config.pingIntervalMs() + 1));
    assertThat(out).anyMatch(m -> m instanceof LinkMessage.Ping);
    out.addAll(onTime(ch, config.idleTimeoutMs() - config.pingIntervalMs()));
    assertThat(out).anyMatch(m -> m instanceof Close c && c.reason() == CloseReason.IDLE);
    assertThat(ch.isActive()).isFalse();
  }

  /**
   * Moves time by {@code ms} in steps of 10 ms, running what falls due at each: a loop that runs
   * its timers on time. What the link wrote meanwhile.
   */
  private List<LinkMessage> onTime(EmbeddedChannel ch, long ms) throws Exception {
    List<LinkMessage> out = new ArrayList<>();
    for (long t = 0; t < ms && ch.isActive(); t += 10) {
      ch.advanceTimeBy(Math.min(10, ms - t), TimeUnit.MILLISECONDS);
      ch.runPendingTasks();
      out.addAll(written(ch));
    }
    return out;
  }

  @Test
  void aHandshakeThatNeverCompletesIsRefusedAtItsTimeout() throws Exception {
    EmbeddedChannel ch = channel();
    written(ch);
    List<LinkMessage> out = onTime(ch, config.handshakeTimeoutMs() + 20);
    assertThat(out).anyMatch(m -> m instanceof Close c && c.reason() == CloseReason.PROTOCOL_ERROR);
    assertThat(ch.isActive()).isFalse();
  }

  /**
   * Our loop held past the handshake's timeout (a starved box): the timer runs late, before the
   * loop read their Hello and proof, and gives it a short grace to; the handshake completes.
   */
  @Test
  void aHandshakeTimerThatRunsLateLetsTheLoopReadTheProofFirst() throws Exception {
    EmbeddedChannel ch = channel();
    ch.advanceTimeBy(2 * config.handshakeTimeoutMs(), TimeUnit.MILLISECONDS);
    ch.runPendingTasks();
    assertThat(ch.isActive()).as("not refused by a late timer").isTrue();
    open(ch); // what they sent meanwhile, read now
    assertThat(events).anyMatch(e -> e.startsWith("up "));
    assertThat(onTime(ch, 2 * HelloHandler.LATE_GRACE_MS)).noneMatch(m -> m instanceof Close);
    assertThat(ch.isActive()).isTrue();
  }

  @Test
  void aHandshakeTimerLateTwiceIsExcusedOnlyOnce() throws Exception {
    EmbeddedChannel ch = channel();
    written(ch);
    ch.advanceTimeBy(2 * config.handshakeTimeoutMs(), TimeUnit.MILLISECONDS);
    ch.runPendingTasks();
    assertThat(ch.isActive()).isTrue();
    ch.advanceTimeBy(2 * config.handshakeTimeoutMs(), TimeUnit.MILLISECONDS);
    ch.runPendingTasks();
    assertThat(written(ch))
        .anyMatch(m -> m instanceof Close c && c.reason() == CloseReason.PROTOCOL_ERROR);
    assertThat(ch.isActive()).isFalse();
  }

  /** An open link whose loop then did not run for twice the idle timeout: nothing ran meanwhile. */
  private EmbeddedChannel openThenStalled() throws Exception {
    EmbeddedChannel ch = channel();
    open(ch);
    written(ch);
    ch.advanceTimeBy(2 * config.idleTimeoutMs(), TimeUnit.MILLISECONDS);
    ch.runPendingTasks();
    return ch;
  }

  /**
   * Our own loop held for twice the idle timeout (the whole process paused, or a starved box): the
   * idle check runs late, before the loop read anything, and does not judge the peer; the peer
   * talks as soon as we run again, and its link stays open.
   */
  @Test
  void anIdleCheckThatRunsLateAfterOurOwnStallDoesNotCloseTheLink() throws Exception {
    EmbeddedChannel ch = openThenStalled();
    assertThat(written(ch)).noneMatch(m -> m instanceof Close);
    assertThat(ch.isActive()).isTrue();
    ch.writeInbound(bytes(new LinkMessage.Ping(1))); // what the peer sent, read now
    assertThat(onTime(ch, config.idleTimeoutMs() / 2)).noneMatch(m -> m instanceof Close);
    assertThat(ch.isActive()).isTrue();
  }

  @Test
  void aPeerStillSilentAfterOurStallIsClosedOneTimeoutLater() throws Exception {
    EmbeddedChannel ch = openThenStalled();
    assertThat(ch.isActive()).as("excused once").isTrue();
    List<LinkMessage> out = onTime(ch, config.idleTimeoutMs() - LinkIdle.LATE_MS);
    assertThat(ch.isActive()).as("a fresh timeout from the late check").isTrue();
    out.addAll(onTime(ch, 2 * LinkIdle.LATE_MS));
    assertThat(out).anyMatch(m -> m instanceof Close c && c.reason() == CloseReason.IDLE);
    assertThat(ch.isActive()).isFalse();
  }

  /**
   * A verify pool far behind (here: one that never answers) holds what the link read behind its
   * check, and past {@code ChainVerifier.MAX_WAITING} frames pauses reading. The peer is talking
   * all along: its link is not closed as idle however long the check takes, neither while frames
   * still arrive nor while we hold reading paused (before, the idle timer stood behind the
   * verifier, and such links were closed as IDLE, redialed and refetched under load).
   */
  @Test
  void aLinkWhoseChecksLagFarBehindIsNotClosedAsIdleWhileItsPeerTalks() throws Exception {
    List<Runnable> stuck = new ArrayList<>();
    EmbeddedChannel ch = behindACheck(stuck);
    long step = config.idleTimeoutMs() / 4;
    for (int i = 0; i < 300; i++) { // 75 idle timeouts, and past MAX_WAITING: reading pauses
      ch.writeInbound(bytes(new LinkMessage.Ping(i)));
      ch.advanceTimeBy(step, TimeUnit.MILLISECONDS);
      ch.runPendingTasks();
      assertThat(written(ch)).noneMatch(m -> m instanceof Close);
      assertThat(ch.isActive()).as("still open after %d ms", (i + 1) * step).isTrue();
    }
    assertThat(ch.config().isAutoRead()).as("reading paused behind the check").isFalse();
  }

  /**
   * An open link whose verify pool keeps its tasks in {@code stuck}, with a batch's check handed to
   * it and not answered.
   */
  private EmbeddedChannel behindACheck(List<Runnable> stuck) throws Exception {
    EmbeddedChannel ch = channel(stuck::add);
    open(ch);
    written(ch);
    ch.writeInbound(bytes(new LinkMessage.SyncBatch(1, List.of(), false)));
    assertThat(stuck).as("the batch's check went to the pool").hasSize(1);
    return ch;
  }

  @Test
  void aPeerThatFallsSilentAfterOurPauseEndsIsStillClosedAsIdle() throws Exception {
    List<Runnable> stuck = new ArrayList<>();
    EmbeddedChannel ch = behindACheck(stuck);
    for (int i = 0; i < 300; i++) {
      ch.writeInbound(bytes(new LinkMessage.Ping(i)));
    }
    assertThat(ch.config().isAutoRead()).isFalse();
    stuck.get(0).run(); // the pool answers at last: what waited is passed on, reading resumes
    ch.runPendingTasks();
    assertThat(ch.config().isAutoRead()).isTrue();
    assertThat(written(ch)).noneMatch(m -> m instanceof Close);
    assertThat(ch.isActive()).isTrue();
    // then nothing more from them: closed as idle once the timeout passes after the pause's
    // excuse (the check that found the pause within the timeout), no later
    List<LinkMessage> out = onTime(ch, 2 * config.idleTimeoutMs() + 20);
    assertThat(out).anyMatch(m -> m instanceof Close c && c.reason() == CloseReason.IDLE);
    assertThat(ch.isActive()).isFalse();
  }

  /** A loop that runs every idle check late still closes a dead link: one excuse, not one each. */
  @Test
  void aLoopLateAtEveryCheckStillClosesADeadLink() throws Exception {
    EmbeddedChannel ch = openThenStalled(); // excused once
    assertThat(ch.isActive()).isTrue();
    ch.advanceTimeBy(2 * config.idleTimeoutMs(), TimeUnit.MILLISECONDS); // late again, nothing read
    ch.runPendingTasks();
    assertThat(written(ch)).anyMatch(m -> m instanceof Close c && c.reason() == CloseReason.IDLE);
    assertThat(ch.isActive()).isFalse();
  }

  /**
   * Pings written while time moves by {@code step} ms {@code steps} times, {@code in} read each.
   */
  private long pingsWhile(EmbeddedChannel ch, int steps, long step, LinkMessage in)
      throws Exception {
    long pings = 0;
    for (int i = 0; i < steps; i++) {
      ch.advanceTimeBy(step, TimeUnit.MILLISECONDS);
      ch.runPendingTasks();
      if (in != null) {
        ch.writeInbound(bytes(in));
      }
      pings += written(ch).stream().filter(m -> m instanceof LinkMessage.Ping).count();
    }
    return pings;
  }

  @Test
  void aSideThatOnlyReadsStillPingsEveryTwoIntervalsAndNoMore() throws Exception {
    EmbeddedChannel ch = channel();
    open(ch);
    written(ch);
    // the other side sends something every 100 ms for 20 intervals; we have nothing to say
    long interval = config.pingIntervalMs();
    long pings = pingsWhile(ch, 200, interval / 10, new LinkMessage.Digest(List.of(), false));
    assertThat(pings).isBetween(9L, 10L); // one per two intervals: heard well within the timeout
    assertThat(ch.isActive()).isTrue();
  }

  @Test
  void onAnIdleLinkASideWhosePingWasAnsweredLeavesTheNextTurnToTheOtherSide() throws Exception {
    EmbeddedChannel ch = channel();
    open(ch);
    written(ch);
    long interval = config.pingIntervalMs();
    // silent and unheard for an interval: our Ping
    assertThat(pingsWhile(ch, 1, interval + 1, null)).isEqualTo(1);
    // answered: at the next interval of our silence they have spoken since, so we wait
    ch.writeInbound(bytes(new LinkMessage.Pong(1)));
    assertThat(pingsWhile(ch, 1, interval, null)).isZero();
    // their turn: their Ping, our Pong; then nothing heard since our Pong, so our Ping is due
    ch.writeInbound(bytes(new LinkMessage.Ping(7)));
    assertThat(written(ch)).containsExactly(new LinkMessage.Pong(7));
    assertThat(pingsWhile(ch, 1, interval + 1, null)).isEqualTo(1);
    // two intervals of our silence: a Ping even though they spoke
    ch.writeInbound(bytes(new LinkMessage.Pong(2)));
    assertThat(pingsWhile(ch, 2, interval, null)).isEqualTo(1);
    assertThat(ch.isActive()).isTrue();
  }

  // ---- identity (issue 6) ----

  /** The Close that ends what {@code ch} wrote, on a link that never came up. */
  private Close lastClose(EmbeddedChannel ch) throws Exception {
    Close c = closing(ch);
    assertThat(events).isEmpty();
    return c;
  }

  /** The Close that ends what {@code ch} wrote; the channel is closed. */
  private static Close closing(EmbeddedChannel ch) throws Exception {
    List<LinkMessage> out = written(ch);
    assertThat(ch.isActive()).isFalse();
    return (Close) out.get(out.size() - 1);
  }

  @Test
  void ourHelloCarriesOurKeyAndOurProofSignsTheirChallenge() throws Exception {
    EmbeddedChannel ch = channel();
    Hello ours = (Hello) written(ch).get(0);
    assertThat(ours.publicKey()).isEqualTo(me.publicKey());
    assertThat(ours.challenge()).hasSize(32);
    ch.writeInbound(bytes(theirs(Framing.PROTOCOL_VERSION, "lobby", other)));
    HelloProof proof = (HelloProof) written(ch).get(0);
    byte[] t = HelloProofs.transcript("lobby", self, other, theirChallenge, ours.challenge());
    assertThat(HelloProofs.verify(me.publicKey(), self, t, proof.signature())).isTrue();
    assertThat(events).isEmpty(); // not up before their proof
  }

  @Test
  void aHelloClaimingAnIdThatIsNotItsKeysIsRefused() throws Exception {
    EmbeddedChannel ch = channel();
    // mallory's key, bob's id
    ch.writeInbound(
        bytes(
            new Hello(Framing.PROTOCOL_VERSION, other, "them", "lobby", 5000, 3)
                .withIdentity(mallory.publicKey(), theirChallenge)));
    assertUnauthenticated(ch, "is not its key's");
  }

  @Test
  void anImpersonatorWithTheVictimsPublicKeyButNotItsPrivateKeyIsRefused() throws Exception {
    EmbeddedChannel ch = channel();
    open(ch, mallory); // the Hello is bob's (public) key and id; the proof is mallory's
    assertUnauthenticated(ch, "bad Hello proof");
  }

  /** {@code ch} never came up and was closed as UNAUTHENTICATED, saying {@code why}. */
  private void assertUnauthenticated(EmbeddedChannel ch, String why) throws Exception {
    Close c = lastClose(ch);
    assertThat(c.reason()).isEqualTo(CloseReason.UNAUTHENTICATED);
    assertThat(c.message()).contains(why);
  }

  @Test
  void aReplayedProofForAnotherChallengeIsRefused() throws Exception {
    EmbeddedChannel ch = channel();
    written(ch);
    ch.writeInbound(bytes(theirs(Framing.PROTOCOL_VERSION, "lobby", other)));
    // a proof bob once made for some other link's challenge
    byte[] old =
        HelloProofs.transcript("lobby", other, self, HelloProofs.newChallenge(), theirChallenge);
    ch.writeInbound(bytes(new HelloProof(them.sign(old), new byte[0])));
    assertThat(lastClose(ch).reason()).isEqualTo(CloseReason.UNAUTHENTICATED);
  }

  @Test
  void aPrivateRoomLinksWithTheSecretAndRefusesAWrongOne() throws Exception {
    roomKey = RoomKey.derive("lobby", "open sesame".toCharArray());
    EmbeddedChannel good = channel();
    open(good);
    assertThat(events).containsExactly("up " + other.shortHex());

    events.clear();
    RoomKey guess = RoomKey.derive("lobby", "open says me".toCharArray());
    EmbeddedChannel bad = channel();
    open(bad, them, guess);
    Close c = lastClose(bad);
    assertThat(c.reason()).isEqualTo(CloseReason.UNAUTHENTICATED);
    assertThat(c.message()).isEqualTo("wrong room secret");
  }

  @Test
  void aPrivateRoomNeverNamesItsRoomIdToADialerThatNamesAnotherRoom() throws Exception {
    roomKey = RoomKey.derive("lobby", "open sesame".toCharArray());
    EmbeddedChannel ch = channel();
    ch.writeInbound(bytes(theirs(Framing.PROTOCOL_VERSION, "kitchen", other)));
    List<LinkMessage> out = written(ch);
    Close c = (Close) out.get(out.size() - 1);
    assertThat(c.reason()).isEqualTo(CloseReason.WRONG_ROOM);
    assertThat(c.message()).isEqualTo("this is a private room");
    assertThat(out.toString()).doesNotContain(roomKey.roomId());
  }

  /** {@code count} J-PAKE integers, each 1: they decode, and every check refuses them. */
  private static byte[] ones(int count) {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(count * 5);
    for (int i = 0; i < count; i++) {
      b.putInt(1).put((byte) 1);
    }
    return b.array();
  }

  @Test
  void aBadJpakeRoundIsRefusedWithAFixedReasonNotTheLibrarysText() throws Exception {
    roomKey = RoomKey.derive("lobby", "open sesame".toCharArray());
    EmbeddedChannel ch = channel();
    written(ch); // our Hello and round 1
    ch.writeInbound(bytes(theirs(Framing.PROTOCOL_VERSION, "", other)));
    ch.writeInbound(bytes(new LinkMessage.RoomPake(1, ones(6))));
    Close c = lastClose(ch);
    assertThat(c.reason()).isEqualTo(CloseReason.UNAUTHENTICATED);
    // Bouncy Castle says which check failed and how ("g^x2 must not be equal to 1"): not theirs
    assertThat(c.message()).isEqualTo(PakeSession.BAD_ROUND_1);
  }
}
