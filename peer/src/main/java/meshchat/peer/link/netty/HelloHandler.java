package meshchat.peer.link.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import meshchat.peer.identity.HelloProofs;
import meshchat.peer.identity.RoomKey;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.LinkMessage.CloseReason;
import meshchat.peer.message.LinkMessage.Hello;
import meshchat.peer.message.LinkMessage.HelloProof;
import meshchat.wire.Ed25519;
import meshchat.wire.Framing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The handshake (docs/protocol.md, "Connection state machine"): both sides send Hello (with their
 * key and a fresh challenge) as their first frame without waiting, then, on the other's Hello, a
 * {@link HelloProof} signing a transcript that holds the other's challenge; each checks the proof
 * it receives. One round trip in all. A wrong version, room or a link to ourselves is refused with
 * Close(reason, message); a key that is not the id's, or a bad proof (or a wrong private room MAC),
 * with Close(UNAUTHENTICATED). On success this handler replaces itself with the liveness handler
 * and the dispatcher (the atomix handshake-then-swap pattern).
 */
final class HelloHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(HelloHandler.class);

  private final LinkSetup setup;
  private final boolean dialedByUs;
  private final byte[] challenge;
  private ScheduledFuture<?> timeout;
  private Hello theirs; // their Hello, checked; null until it arrives

  HelloHandler(LinkSetup setup, boolean dialedByUs) {
    this.setup = setup;
    this.dialedByUs = dialedByUs;
    this.challenge = setup.challenges().get().clone();
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    ctx.writeAndFlush(
        setup.localHello().get().withIdentity(setup.identity().publicKey(), challenge));
    long ms = setup.config().handshakeTimeoutMs();
    timeout =
        ctx.executor()
            .schedule(
                () ->
                    refuse(
                        ctx,
                        CloseReason.PROTOCOL_ERROR,
                        "no Hello and HelloProof within " + ms + " ms"),
                ms,
                TimeUnit.MILLISECONDS);
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (theirs == null && msg instanceof Hello h) {
      onHello(ctx, h);
    } else if (theirs != null && msg instanceof HelloProof p) {
      onProof(ctx, p);
    } else {
      String expected = theirs == null ? "Hello" : "HelloProof";
      refuse(ctx, CloseReason.PROTOCOL_ERROR, "expected " + expected + ", got " + kind(msg));
    }
  }

  private void onHello(ChannelHandlerContext ctx, Hello h) {
    if (h.protocolVersion() != Framing.PROTOCOL_VERSION) {
      refuse(
          ctx,
          CloseReason.VERSION_MISMATCH,
          "protocol version " + h.protocolVersion() + " is not " + Framing.PROTOCOL_VERSION);
    } else if (!h.room().equals(setup.room())) {
      refuse(ctx, CloseReason.WRONG_ROOM, "room '" + h.room() + "' is not '" + setup.room() + "'");
    } else if (h.peerId().equals(setup.self())) {
      refuse(ctx, CloseReason.SELF_LINK, "a peer cannot link to itself");
    } else if (!Ed25519.owns(h.publicKey(), h.peerId().toBytes())) {
      refuse(ctx, CloseReason.UNAUTHENTICATED, "peer id " + h.peerId() + " is not its key's");
    } else if (h.challenge().length != HelloProofs.CHALLENGE_BYTES) {
      refuse(ctx, CloseReason.UNAUTHENTICATED, "the Hello's challenge is not 32 bytes");
    } else {
      theirs = h;
      byte[] t =
          HelloProofs.transcript(setup.room(), setup.self(), h.peerId(), h.challenge(), challenge);
      RoomKey key = setup.roomKey();
      ctx.writeAndFlush(
          new HelloProof(setup.identity().sign(t), key == null ? new byte[0] : key.mac(t)));
    }
  }

  private void onProof(ChannelHandlerContext ctx, HelloProof p) {
    byte[] t =
        HelloProofs.transcript(
            setup.room(), theirs.peerId(), setup.self(), challenge, theirs.challenge());
    RoomKey key = setup.roomKey();
    if (!HelloProofs.verify(theirs.publicKey(), theirs.peerId(), t, p.signature())) {
      refuse(ctx, CloseReason.UNAUTHENTICATED, "bad Hello proof for " + theirs.peerId());
    } else if (key != null && !key.macMatches(t, p.roomMac())) {
      refuse(ctx, CloseReason.UNAUTHENTICATED, "wrong room secret");
    } else {
      cancelTimeout();
      NettyLink link = new NettyLink(ctx.channel(), theirs, dialedByUs, setup.config());
      ctx.pipeline().addBefore(ctx.name(), "liveness", new LivenessHandler(link, setup));
      ctx.pipeline().replace(this, "dispatch", new LinkDispatcher(link, setup));
      setup.events().up(link);
    }
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
