package meshchat.peer.frame;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import java.util.List;
import meshchat.peer.identity.MessageSigning;
import meshchat.peer.limit.Counters;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.LinkMessage.CloseReason;

/**
 * Checks every chat message that enters from a link, live or in a history batch, before the room
 * can store or forward it: its key must be its origin's and its signature must verify
 * (docs/security.md). An honest peer verifies before it relays, so a bad message can only come from
 * a faulty or hostile sender: it is dropped, counted, and the link is closed with {@code
 * Close(INVALID_MESSAGE, why)}.
 *
 * <p>Outbound, unsigned messages (history written before keys existed) are left out of batches:
 * every peer would refuse them, so they stay local.
 */
public final class MessageVerifier extends ChannelDuplexHandler {
  private static final int PARALLEL_FROM = 32; // below this, a fork-join split costs more
  private final String room;
  private final Counters counters;

  /**
   * @param room the room as on the wire (its name, or a private room's id), which signatures cover
   * @param counters counts refused messages ({@link Counters.Counter#BAD_SIGNATURE})
   */
  public MessageVerifier(String room, Counters counters) {
    this.room = room;
    this.counters = counters;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof LinkMessage.Chat c) {
      check(c.message());
    } else if (msg instanceof LinkMessage.SyncBatch b) {
      checkAll(b.messages());
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof LinkMessage.SyncBatch b
        && !b.messages().stream().allMatch(ChatMessage::isSigned)) {
      List<ChatMessage> signed = b.messages().stream().filter(ChatMessage::isSigned).toList();
      msg = new LinkMessage.SyncBatch(b.requestId(), signed, b.done());
    } else if (msg instanceof LinkMessage.Chat c && !c.message().isSigned()) {
      promise.setSuccess();
      return;
    }
    ctx.write(msg, promise);
  }

  /**
   * A history batch holds up to hundreds of messages and verifying one costs tens of microseconds,
   * so a big batch is verified by this I/O thread together with the common pool's workers (the
   * checks are pure functions). A catch-up of 100,000 messages is bound by this.
   */
  private void checkAll(List<ChatMessage> batch) {
    if (batch.size() < PARALLEL_FROM) {
      batch.forEach(this::check);
      return;
    }
    batch.parallelStream()
        .map(m -> MessageSigning.problem(m, room))
        .filter(java.util.Objects::nonNull)
        .findFirst()
        .ifPresent(this::refuse);
  }

  private void check(ChatMessage m) {
    String problem = MessageSigning.problem(m, room);
    if (problem != null) {
      refuse(problem);
    }
  }

  private void refuse(String problem) {
    counters.increment(Counters.Counter.BAD_SIGNATURE);
    throw new LinkFrameException(CloseReason.INVALID_MESSAGE, problem);
  }
}
