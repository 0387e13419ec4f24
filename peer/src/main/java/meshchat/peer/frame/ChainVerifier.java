package meshchat.peer.frame;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import meshchat.peer.limit.Counters;
import meshchat.peer.message.ChainHead;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.LinkMessage.CloseReason;
import meshchat.peer.message.PeerId;

/**
 * Authenticates every chat message that enters from a link, live or in a history batch, before the
 * room can store or forward it ({@link ChainCheck}): live messages are passed on only once a signed
 * head of their author's hash chain covers them, each followed by that head. An honest peer
 * forwards only what it authenticated, so a message that fails can only come from a faulty or
 * hostile sender: the link is closed with {@code Close(INVALID_MESSAGE, why)} and the refusal
 * counted.
 *
 * <p>Outbound, it sends an origin's key only with the first head of that origin on this link, and
 * leaves out of a batch the messages no head in it covers (history written before chains existed,
 * which every peer would refuse, stays local).
 */
public final class ChainVerifier extends ChannelDuplexHandler {
  private final ChainCheck check;
  private final Counters counters;
  private final Set<PeerId> keySent = new HashSet<>();

  /**
   * @param room the room as on the wire (its name, or a private room's id), which hashes cover
   * @param counters counts refusals ({@link Counters.Counter#BAD_SIGNATURE}) and gaps
   */
  public ChainVerifier(String room, Counters counters) {
    this.check = new ChainCheck(room);
    this.counters = counters;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (msg instanceof LinkMessage.Chat c) {
        check.onChat(c.message());
        return;
      } else if (msg instanceof LinkMessage.Head h) {
        for (LinkMessage m : check.onHead(h.head())) {
          ctx.fireChannelRead(m);
        }
        long gaps = check.takeGapDropped();
        for (long i = 0; i < gaps; i++) {
          counters.increment(Counters.Counter.CHAIN_GAP_DROPPED);
        }
        return;
      } else if (msg instanceof LinkMessage.SyncBatch b) {
        msg = check.onBatch(b);
      } else if (msg instanceof LinkMessage.Equivocated q) {
        msg = new LinkMessage.Equivocated(check.onEquivocation(q.proof()));
      }
    } catch (ChainCheck.Refused e) {
      if (e.counter() != Counters.Counter.BAD_SIGNATURE) {
        // counted once, by its own reason, where the link is closed
        throw new LinkFrameException(CloseReason.INVALID_MESSAGE, e.getMessage(), e.counter());
      }
      counters.increment(Counters.Counter.BAD_SIGNATURE);
      throw new LinkFrameException(CloseReason.INVALID_MESSAGE, e.getMessage());
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof LinkMessage.Chat c && !c.message().isChained()) {
      promise.setSuccess(); // unchained history: every peer would refuse it
      return;
    } else if (msg instanceof LinkMessage.Head h) {
      msg = new LinkMessage.Head(keyOnce(h.head()));
    } else if (msg instanceof LinkMessage.SyncBatch b) {
      msg = covered(b);
    }
    ctx.write(msg, promise);
  }

  private ChainHead keyOnce(ChainHead h) {
    if (keySent.add(h.origin()) || h.publicKey().length == 0) {
      return h;
    }
    return new ChainHead(h.origin(), h.seq(), h.hash(), h.signature(), new byte[0]);
  }

  /** The batch without the messages its heads do not reach, and with keys sent once. */
  private LinkMessage.SyncBatch covered(LinkMessage.SyncBatch b) {
    Map<PeerId, Set<Long>> reach = new HashMap<>();
    Map<PeerId, Set<Long>> have = new HashMap<>();
    for (ChatMessage m : b.messages()) {
      if (m.isChained()) {
        have.computeIfAbsent(m.origin(), o -> new HashSet<>()).add(m.seq());
      }
    }
    List<ChainHead> heads = new ArrayList<>(b.heads().size());
    for (ChainHead h : b.heads()) {
      Set<Long> seqs = have.getOrDefault(h.origin(), Set.of());
      Set<Long> r = reach.computeIfAbsent(h.origin(), o -> new HashSet<>());
      for (long s = h.seq(); seqs.contains(s); s--) {
        r.add(s);
      }
      heads.add(keyOnce(h));
    }
    List<ChatMessage> kept = new ArrayList<>(b.messages().size());
    for (ChatMessage m : b.messages()) {
      if (reach.getOrDefault(m.origin(), Set.of()).contains(m.seq())) {
        kept.add(m);
      }
    }
    return new LinkMessage.SyncBatch(b.requestId(), kept, b.done(), heads);
  }
}
