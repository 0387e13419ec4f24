package meshchat.peer.runtime;

import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.concurrent.SingleThreadEventExecutor;
import java.util.concurrent.TimeUnit;
import meshchat.peer.room.Room;

/**
 * When this peer signs its chain head (docs/protocol.md, "Hash chain"). A head per burst costs the
 * author one signature and every neighbour one verification; when each message is its own burst (a
 * steady stream, a line every few milliseconds) that is public-key work for every message again. So
 * while the room thread has more work queued (it is behind), the head waits, at most {@link
 * #HOLD_MS} after the first burst it will cover, and one head covers every burst published
 * meanwhile; once the queue has drained it is signed at once. An idle room never holds a head.
 * Receivers hold the messages until their head arrives, so a held head delays delivery by at most
 * the hold. Room thread only.
 */
public final class HeadPacer {
  /** The longest a head waits for more bursts to cover. */
  static final long HOLD_MS = 5;

  private final RoomThread thread;
  private final Room room;
  private long holdingSince = -1; // the room thread's time of the first burst held, or -1
  private ScheduledFuture<?> deadline;

  public HeadPacer(RoomThread thread, Room room) {
    this.thread = thread;
    this.room = room;
  }

  /** A burst's own messages were just shown and sent: sign their head now, or hold it. */
  public void published() {
    if (!room.headPending()) {
      return; // the burst had no own message, or a long-burst head covered it already
    }
    long now = thread.nanoTime();
    if (holdingSince < 0) {
      holdingSince = now;
    }
    if (!behind() || now - holdingSince >= TimeUnit.MILLISECONDS.toNanos(HOLD_MS)) {
      sign();
    } else if (deadline == null) {
      long left = TimeUnit.MILLISECONDS.toNanos(HOLD_MS) - (now - holdingSince);
      deadline = thread.loop().schedule(this::held, left, TimeUnit.NANOSECONDS);
    }
  }

  /** The hold is over: sign, unless the node stopped (a close signed it already; a crash never). */
  private void held() {
    deadline = null;
    if (thread.stopped()) {
      holdingSince = -1;
      return;
    }
    sign();
  }

  /** Signs the held head; its frame joins the burst being written (or starts one). */
  void sign() {
    cancel();
    room.signHead();
  }

  private void cancel() {
    holdingSince = -1;
    if (deadline != null) {
      deadline.cancel(false);
      deadline = null;
    }
  }

  /** More tasks wait on the room thread: more bursts are coming. */
  private boolean behind() {
    return thread.loop() instanceof SingleThreadEventExecutor s && s.pendingTasks() > 0;
  }
}
