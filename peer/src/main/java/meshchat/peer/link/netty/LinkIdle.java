package meshchat.peer.link.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;
import meshchat.peer.frame.ReadPause;
import meshchat.wire.LoopTicker;

/**
 * Read silence as the socket sees it: placed right after the frame decoder, so every frame the
 * other side sends counts as heard the moment it is read, whatever waits behind it (a signature
 * check on a busy verify pool, the rate limit); and silence while we ourselves kept the link from
 * reading ({@link ReadPause}) is not the other side's. Before, the idle timer stood after the
 * verifier, so a verify pool seconds behind (a loaded two-core box, a catch-up sharing it) made
 * live, busy links look dead: they were closed as IDLE, redialed and refetched by anti-entropy,
 * which loaded the pool further. A dead peer still times out: nothing arrives while we read.
 *
 * <p>Nor is silence the other side's while our own loop did not run: a pause of the whole process
 * (a collection, a stopped VM) or a starved box delays the idle check past its time, and it then
 * runs before the loop has read what came meanwhile (or, with the peers in one process, before they
 * could send). A check that runs more than {@link #LATE_MS} after the silence reached the timeout
 * does not judge: the link gets a fresh timeout from then, and the next check, on time, judges. A
 * dead peer is closed at most one timeout later per such stall: one excuse until something is read
 * again, so a loop late at every check still closes a dead link.
 */
final class LinkIdle extends IdleStateHandler {
  /** How late an idle check may run and still judge (its loop ran, near enough, on time). */
  static final long LATE_MS = 250;

  private final long timeoutNanos;
  private long heardAt = Long.MIN_VALUE; // the loop's time of the last read, or of an excused check
  private boolean read; // a frame came in the socket read under way
  private boolean excused; // the last check was excused as late, and nothing was read since

  LinkIdle(long timeoutMs) {
    super(timeoutMs, 0, 0, TimeUnit.MILLISECONDS);
    this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMs);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
    heardAt = LoopTicker.nanoTime(ctx);
    super.handlerAdded(ctx);
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    heardAt = LoopTicker.nanoTime(ctx); // where the base class starts its clock (after a connect)
    super.channelActive(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    read = true;
    super.channelRead(ctx, msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
    if (read) { // as the base class times reads: once per read of the socket, not per frame
      read = false;
      excused = false;
      heardAt = LoopTicker.nanoTime(ctx);
    }
    super.channelReadComplete(ctx);
  }

  @Override
  protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent evt) throws Exception {
    if (evt.state() == IdleState.READER_IDLE) {
      long now = LoopTicker.nanoTime(ctx);
      if (ReadPause.heldWithin(ctx.channel(), timeoutNanos)) {
        heardAt = now; // not heard because we did not read: the next timeout, from now, judges
        return;
      }
      if (!excused && now - heardAt - timeoutNanos > TimeUnit.MILLISECONDS.toNanos(LATE_MS)) {
        heardAt = now; // our loop was held: what it has not read yet may be the peer's
        excused = true; // once: a loop late at every check still closes a dead link
        return;
      }
    }
    super.channelIdle(ctx, evt);
  }
}
