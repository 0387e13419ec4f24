package meshchat.peer.link.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import meshchat.peer.identity.HelloProofs;
import meshchat.peer.identity.PakeSession;
import meshchat.peer.limit.Counters;
import meshchat.peer.limit.Counters.Counter;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.LinkMessage.CloseReason;
import meshchat.peer.message.LinkMessage.Hello;
import meshchat.peer.message.LinkMessage.HelloProof;
import meshchat.peer.message.LinkMessage.RoomPake;
import meshchat.peer.message.PeerId;
import meshchat.wire.Ed25519;
import meshchat.wire.Framing;
import meshchat.wire.LoopTicker;
import meshchat.wire.NetGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The handshake (docs/protocol.md, "Connection state machine"), inside TLS: both sides send Hello
 * (with their key and a fresh challenge) as their first frame without waiting, then, on the other's
 * Hello, a {@link HelloProof} signing a transcript that holds the other's challenge and both TLS
 * certificates; each checks the proof it receives. One round trip in all after TLS. A wrong
 * version, room or a link to ourselves is refused with Close(reason, message); a Hello whose key is
 * not the one the TLS certificate proved, a key that is not the id's, or a bad proof (or a wrong
 * private room MAC), with Close(UNAUTHENTICATED). On success this handler replaces itself with the
 * liveness handler and the dispatcher (the atomix handshake-then-swap pattern).
 */
final class HelloHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(HelloHandler.class);

  private final LinkSetup setup;
  private final boolean dialedByUs;
  private final LinkTls tls; // null only in harnesses that run the pipeline without TLS
  private final byte[] challenge;
  private TlsBinding binding = TlsBinding.NONE;
  private final SecretGuesses guesses; // private rooms, incoming links: null otherwise
  private final PakeSession pake; // private rooms only
  private ScheduledFuture<?> timeout;
  private Hello theirs; // their Hello, checked; null until it arrives
  private boolean proven; // their HelloProof verified
  private int pakeRound; // the last J-PAKE round of theirs accepted (private rooms)
  private boolean guessSpent; // our key confirmation went out to an incoming link
  // private room links: where J-PAKE rounds are computed, off this (the room's) thread
  private final PakeGate gate;
  private boolean pakeBusy; // a round is on the gate's pool: their frames wait in held
  private final ArrayDeque<Object> held = new ArrayDeque<>();

  /** The Close reason of a J-PAKE round that failed on our side (the detail is logged). */
  static final String PAKE_FAILED = "J-PAKE failed";

  /** Their frames kept while a round is computed: a handshake has five, an honest peer sends. */
  static final int MAX_HELD = 8;

  HelloHandler(LinkSetup setup, boolean dialedByUs, LinkTls tls, SecretGuesses guesses) {
    this(setup, dialedByUs, tls, guesses, null);
  }

  HelloHandler(
      LinkSetup setup, boolean dialedByUs, LinkTls tls, SecretGuesses guesses, PakeGate gate) {
    this.setup = setup;
    this.dialedByUs = dialedByUs;
    this.tls = tls;
    this.challenge = setup.challenges().get().clone();
    this.pake = setup.roomKey() == null ? null : new PakeSession(setup.roomKey(), setup.self());
    this.guesses = pake == null || dialedByUs ? null : guesses;
    this.gate = pake == null ? null : gate;
  }

  /** The room as a Hello names it: the name of an open room; nothing for a private room. */
  private String wireRoom() {
    return pake == null ? setup.room() : "";
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    InetAddress from = remote(ctx);
    if (guesses != null && from != null && !guesses.mayGuess(from, LoopTicker.nanoTime(ctx))) {
      setup.counters().increment(Counter.SECRET_GUESSES_THROTTLED);
      refuse(
          ctx,
          CloseReason.UNAUTHENTICATED,
          "too many wrong room secrets from this address; try again later");
      ctx.fireChannelActive();
      return;
    }
    Hello h = setup.localHello().get();
    ctx.write(
        new Hello(
            h.protocolVersion(),
            h.peerId(),
            h.nick(),
            wireRoom(),
            h.listenPort(),
            h.lamport(),
            setup.identity().publicKey(),
            challenge));
    if (pake != null && gate == null) {
      ctx.write(new RoomPake(1, pake.round1()));
    }
    ctx.flush();
    armTimeout(ctx, setup.config().handshakeTimeoutMs(), false);
    if (pake != null && gate != null) {
      // a stranger's TCP connect alone brings us here, before TLS (and a peer we dial may be one a
      // stranger named): not on this thread
      offThread(ctx, pake::round1, r1 -> ctx.writeAndFlush(new RoomPake(1, r1)));
    }
    ctx.fireChannelActive();
  }

  /**
   * Computes {@code work} (a J-PAKE round) on the gate's pool, then {@code then} with its result on
   * this link's thread, with their frames that came meanwhile after it, in order. Inline when the
   * link has no gate. Refused (the connection closed) when this peer's rounds are at their bound.
   */
  private <T> void offThread(ChannelHandlerContext ctx, Supplier<T> work, Consumer<T> then) {
    if (gate == null) {
      then.accept(work.get());
      return;
    }
    pakeBusy = true;
    InetAddress other = remote(ctx);
    String network = other == null ? "" : NetGroup.text(other.getHostAddress());
    boolean taken =
        gate.submit(
            network,
            () -> {
              if (!ctx.channel().isActive()) {
                return; // it went while the round waited: nothing to compute for
              }
              T result;
              try {
                result = work.get();
              } catch (RuntimeException e) {
                ctx.executor()
                    .execute(
                        () -> {
                          pakeBusy = false;
                          // the peer reads a fixed reason, never our exception's text
                          log.debug("{} J-PAKE round failed: {}", setup.tag(), e.toString());
                          refuse(ctx, CloseReason.PROTOCOL_ERROR, PAKE_FAILED);
                        });
                return;
              }
              PakeGate.computed(dialedByUs);
              ctx.executor()
                  .execute(
                      () -> {
                        pakeBusy = false;
                        if (ctx.channel().isActive() && !ctx.isRemoved()) {
                          then.accept(result);
                          drainHeld(ctx);
                        }
                      });
            });
    if (!taken) {
      pakeBusy = false;
      setup.counters().increment(Counter.PAKE_BUSY_REFUSED);
      refuse(ctx, CloseReason.LIMIT_EXCEEDED, "busy pairing; try again later");
    }
  }

  /** Their frames held while a round was computed, in order, until another round starts. */
  private void drainHeld(ChannelHandlerContext ctx) {
    while (!pakeBusy && !held.isEmpty() && ctx.channel().isActive()) {
      Object msg = held.poll();
      if (ctx.isRemoved()) {
        // linked meanwhile: what followed the handshake is the link's, past the verifier
        ChannelHandlerContext verify = ctx.pipeline().context("verify");
        if (verify != null) {
          verify.fireChannelRead(msg);
        }
      } else {
        handle(ctx, msg);
      }
    }
  }

  /**
   * How late the handshake's timer may run and still judge; and the time it then gives the loop to
   * read what came meanwhile (see {@link LinkIdle}: a stalled process runs its timers before it
   * reads).
   */
  static final long LATE_MS = 250;

  static final long LATE_GRACE_MS = 1_000;

  private void armTimeout(ChannelHandlerContext ctx, long ms, boolean excused) {
    long due = LoopTicker.nanoTime(ctx) + TimeUnit.MILLISECONDS.toNanos(ms);
    timeout =
        ctx.executor().schedule(() -> handshakeDue(ctx, due, excused), ms, TimeUnit.MILLISECONDS);
  }

  /** The handshake's time is up: refused, unless this timer ran late (once: then a short grace). */
  private void handshakeDue(ChannelHandlerContext ctx, long due, boolean excused) {
    timeout = null;
    if (!excused && LoopTicker.nanoTime(ctx) - due > TimeUnit.MILLISECONDS.toNanos(LATE_MS)) {
      armTimeout(ctx, LATE_GRACE_MS, true);
      return;
    }
    long ms = setup.config().handshakeTimeoutMs();
    refuse(ctx, CloseReason.PROTOCOL_ERROR, "no Hello and HelloProof within " + ms + " ms");
  }

  /**
   * Their frames, in order: Hello, then (private rooms) J-PAKE round 1, HelloProof, then (private
   * rooms) rounds 2 and 3. Anything else is a protocol error.
   */
  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (pakeBusy || !held.isEmpty()) {
      if (held.size() >= MAX_HELD) {
        refuse(ctx, CloseReason.PROTOCOL_ERROR, "more than " + MAX_HELD + " frames in a handshake");
        return;
      }
      held.add(msg);
      return;
    }
    handle(ctx, msg);
  }

  private void handle(ChannelHandlerContext ctx, Object msg) {
    if (theirs == null && msg instanceof Hello h) {
      onHello(ctx, h);
    } else if (theirs != null && !proven && ready(1) && msg instanceof HelloProof p) {
      onProof(ctx, p);
    } else if (pake != null && msg instanceof RoomPake r && r.round() == pakeRound + 1) {
      onPake(ctx, r);
    } else {
      String expected =
          theirs == null
              ? "Hello"
              : pake != null && pakeRound == 0
                  ? "RoomPake round 1"
                  : !proven ? "HelloProof" : "RoomPake round " + (pakeRound + 1);
      refuse(ctx, CloseReason.PROTOCOL_ERROR, "expected " + expected + ", got " + kind(msg));
    }
  }

  /** True if the J-PAKE has reached their round {@code round} (always, in an open room). */
  private boolean ready(int round) {
    return pake == null || pakeRound >= round;
  }

  private void onHello(ChannelHandlerContext ctx, Hello h) {
    if (h.protocolVersion() != Framing.PROTOCOL_VERSION) {
      refuse(
          ctx,
          CloseReason.VERSION_MISMATCH,
          "protocol version " + h.protocolVersion() + " is not " + Framing.PROTOCOL_VERSION);
    } else if (!h.room().equals(wireRoom())) {
      // a private room's id is never told: it would let the dialer test guesses of the secret
      refuse(
          ctx,
          CloseReason.WRONG_ROOM,
          pake != null
              ? "this is a private room"
              : "room '" + h.room() + "' is not '" + setup.room() + "'");
    } else if (h.peerId().equals(setup.self())) {
      refuse(ctx, CloseReason.SELF_LINK, "a peer cannot link to itself");
    } else if (!Ed25519.owns(h.publicKey(), h.peerId().toBytes())) {
      refuse(ctx, CloseReason.UNAUTHENTICATED, "peer id " + h.peerId() + " is not its key's");
    } else if (h.challenge().length != HelloProofs.CHALLENGE_BYTES) {
      refuse(ctx, CloseReason.UNAUTHENTICATED, "the Hello's challenge is not 32 bytes");
    } else if (!bind(ctx, h)) {
      refuse(
          ctx,
          CloseReason.UNAUTHENTICATED,
          "the Hello's key is not the one its TLS certificate proves");
    } else {
      theirs = h;
      if (pake == null) {
        sendProof(ctx, null);
      }
    }
  }

  /** Our HelloProof, with (private rooms) our J-PAKE round 2 after it. */
  private void sendProof(ChannelHandlerContext ctx, byte[] round2) {
    byte[] t =
        HelloProofs.transcript(
            wireRoom(),
            setup.self(),
            theirs.peerId(),
            theirs.challenge(),
            challenge,
            binding.localCertHash(),
            binding.peerCertHash());
    ctx.write(new HelloProof(setup.identity().sign(t), new byte[0]));
    if (round2 != null) {
      ctx.write(new RoomPake(2, round2));
    }
    ctx.flush();
  }

  private void onPake(ChannelHandlerContext ctx, RoomPake r) {
    if (r.round() == 1) {
      PeerId from = theirs.peerId();
      offThread(
          ctx,
          () -> {
            String bad = pake.acceptRound1(from, r.payload());
            return bad != null ? new Step(bad, null) : new Step(null, pake.round2());
          },
          step -> {
            if (step.bad() != null) {
              refuse(ctx, CloseReason.UNAUTHENTICATED, step.bad());
              return;
            }
            pakeRound = 1;
            sendProof(ctx, step.out());
          });
    } else if (r.round() == 2 && proven) {
      offThread(
          ctx,
          () -> {
            String bad = pake.acceptRound2(r.payload());
            return bad != null ? new Step(bad, null) : new Step(null, pake.round3());
          },
          step -> {
            if (step.bad() != null) {
              refuse(ctx, CloseReason.UNAUTHENTICATED, step.bad());
              return;
            }
            InetAddress from = remote(ctx);
            if (guesses != null && from != null) {
              // our confirmation tells them whether their guess was right: it goes out only for
              // a guess still in the budget now, not at accept (rev38 FINDING-1)
              if (!guesses.trySpend(from, LoopTicker.nanoTime(ctx))) {
                setup.counters().increment(Counter.SECRET_GUESSES_THROTTLED);
                refuse(
                    ctx,
                    CloseReason.UNAUTHENTICATED,
                    "too many wrong room secrets from this address; try again later");
                return;
              }
              guessSpent = true;
            }
            pakeRound = 2;
            ctx.writeAndFlush(new RoomPake(3, step.out()));
          });
    } else if (r.round() == 3) {
      if (!pake.acceptRound3(r.payload())) {
        setup.counters().increment(Counter.WRONG_ROOM_SECRET);
        refuse(ctx, CloseReason.UNAUTHENTICATED, "wrong room secret");
        return;
      }
      if (guessSpent) {
        guesses.refund(remote(ctx), LoopTicker.nanoTime(ctx));
      }
      up(ctx);
    } else {
      refuse(ctx, CloseReason.PROTOCOL_ERROR, "RoomPake round 2 before the HelloProof");
    }
  }

  /** A round's outcome: why theirs was refused, or what we send next. */
  private record Step(String bad, byte[] out) {}

  private void onProof(ChannelHandlerContext ctx, HelloProof p) {
    byte[] t =
        HelloProofs.transcript(
            wireRoom(),
            theirs.peerId(),
            setup.self(),
            challenge,
            theirs.challenge(),
            binding.peerCertHash(),
            binding.localCertHash());
    if (!HelloProofs.verify(theirs.publicKey(), theirs.peerId(), t, p.signature())) {
      refuse(ctx, CloseReason.UNAUTHENTICATED, "bad Hello proof for " + theirs.peerId());
    } else {
      proven = true;
      if (pake == null) {
        up(ctx);
      }
    }
  }

  private void up(ChannelHandlerContext ctx) {
    cancelTimeout();
    NettyLink link = new NettyLink(ctx.channel(), theirs, dialedByUs, setup.config());
    LivenessHandler liveness = new LivenessHandler(link, setup);
    ctx.pipeline().addBefore(ctx.name(), "liveness", liveness);
    ctx.pipeline().replace(this, "dispatch", new LinkDispatcher(link, setup));
    LiveChatPath path = LiveChatPath.of(ctx.pipeline(), liveness);
    link.liveChats(path);
    if (path != null) {
      setup.counters().add(Counters.Traffic.LINKS_LIVE_PATH, 1);
    }
    setup.events().up(link);
  }

  private static InetAddress remote(ChannelHandlerContext ctx) {
    return ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
  }

  /** Reads what TLS proved about the other end; false if it is not the Hello's key. */
  private boolean bind(ChannelHandlerContext ctx, Hello h) {
    if (tls == null) {
      return true;
    }
    binding = TlsBinding.of(ctx.pipeline().get(SslHandler.class), tls.certificate());
    return binding != null && Arrays.equals(binding.peerIdentityKey(), h.publicKey());
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancelTimeout();
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    cancelTimeout();
    LinkErrors.closeFor(ctx, cause, setup);
  }

  /**
   * A TLS handshake that failed without an exception reaching us: it timed out, typically because
   * the other side does not speak TLS and its plain bytes looked like the start of an old SSLv2
   * record, which TLS then waited for. Counted and closed as any TLS failure.
   */
  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof SslHandshakeCompletionEvent e && !e.isSuccess()) {
      cancelTimeout();
      LinkErrors.closeFor(ctx, e.cause(), setup);
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  private void refuse(ChannelHandlerContext ctx, CloseReason reason, String why) {
    cancelTimeout();
    if (!LinkErrors.markClosing(ctx.channel())) {
      return;
    }
    log.info(
        "{} refused link from {}: {} ({})",
        setup.tag(),
        ctx.channel().remoteAddress(),
        why,
        reason);
    ctx.channel().config().setAutoRead(false);
    LinkErrors.sendCloseAndClose(ctx, new LinkMessage.Close(reason, why));
  }

  private void cancelTimeout() {
    if (timeout != null) {
      timeout.cancel(false);
      timeout = null;
    }
  }

  private static String kind(Object msg) {
    return msg == null ? "nothing" : msg.getClass().getSimpleName();
  }
}
