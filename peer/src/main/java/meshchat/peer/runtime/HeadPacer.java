package meshchat.peer.runtime;

import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import meshchat.peer.room.HeadSchedule;
import meshchat.peer.room.Room;

/**
 * When this peer signs its chain head (docs/protocol.md, "Hash chain"). A head per burst costs the
 * author one signature and every neighbour one verification; when each message is its own burst (a
 * steady stream, a line every few milliseconds) that is public-key work for every message again. So
 * while more of this peer's own sends are queued for the room thread (more bursts are coming), the
 * head waits, at most {@link #HOLD_MS} after the first burst it will cover, and one head covers
 * every burst published meanwhile; with no own send queued it is signed at once, unless the last
 * head is less than {@link #SPACING_MS} old: then it waits for that mark, give or take {@link
 * #RIDE_MS}, so that it rides with a burst published near it. Receivers show a line on its author's
 * own link at once, but store, and relay, only what a head covers, so a held head delays those by
 * up to the hold: only the author's own queue and its own last head may cause one. Other work on
 * the room thread (other links' frames, other rooms sharing the thread) never does: it brings no
 * burst the head could cover, and holding for it put the whole hold into the latency tail of a busy
 * peer. Own messages already staged or committed and waiting for their fsync (the product's store:
 * {@code StoreSync}) are bursts coming too: a peer whose disk syncs slower than it types publishes
 * one burst per fsync, and a head for each is a signature and ~100 bytes per link per fsync
 * (docs/benchmarks.md, session 21). Room thread only, but {@link #sendQueued} and {@link
 * #sendTaken}.
 */
public final class HeadPacer {
  /** The longest a head waits for more bursts to cover while own sends are queued. */
  static final long HOLD_MS = 5;

  /**
   * The least time between two heads: a burst published sooner after the last head waits for this
   * mark, and one head covers every burst published meanwhile. The first burst after a quiet spell
   * is signed at once, so a person typing never waits; a steady stream of single-message bursts (a
   * bot, the latency bench's 200 lines a second per author) pays a signature and each neighbour a
   * verification per 20 ms, not per line: in the bench's latency cell the verify pools took 2.4-3.2
   * s of CPU per 10 s run, a quarter of its CPU (docs/benchmarks.md, session 24). Lines on their
   * author's own link are shown before their head, so only storing them and relaying them (big
   * rooms) wait: at most this long, against 5 ms before.
   */
  static final long SPACING_MS = 20;

  /**
   * How near the spacing's mark a burst may be published and still take the head with it, on either
   * side: a burst up to this long before the mark signs at once (the spacing is then a little
   * shorter), and the timer that signs a head no burst took waits this long past the mark. A steady
   * stream's head then rides in the frames of the line published at the mark, one write and one
   * read per link, instead of a burst of its own a few hundred microseconds before or after it,
   * which cost every peer of the room a wakeup, a TLS record and a syscall each way (the latency
   * cell: a line every 5 ms per author, the mark every fourth, docs/benchmarks.md, session 25).
   */
  static final long RIDE_MS = 2;

  private final RoomThread thread;
  private final Room room;
  private final HeadSchedule schedule; // when: the decision, in the core
  private ScheduledFuture<?> deadline;
  // own sends handed to the room thread and not yet taken by it (any thread writes)
  private final AtomicInteger sendsQueued = new AtomicInteger();

  public HeadPacer(RoomThread thread, Room room) {
    this(thread, room, TimeUnit.MILLISECONDS.toNanos(SPACING_MS));
  }

  /** With another spacing than {@link #SPACING_MS} (tests: one no scheduling delay can reach). */
  HeadPacer(RoomThread thread, Room room, long spacingNanos) {
    this(thread, room, spacingNanos, TimeUnit.MILLISECONDS.toNanos(HOLD_MS));
  }

  /** And another hold than {@link #HOLD_MS} (tests: one a loaded box's stalls cannot outlast). */
  HeadPacer(RoomThread thread, Room room, long spacingNanos, long holdNanos) {
    this.thread = thread;
    this.room = room;
    this.schedule =
        new HeadSchedule(spacingNanos, holdNanos, TimeUnit.MILLISECONDS.toNanos(RIDE_MS));
  }

  /** An own send was queued for the room thread (any thread): its burst is coming. */
  public void sendQueued() {
    sendsQueued.incrementAndGet();
  }

  /** The room thread took a queued own send (before running it). */
  public void sendTaken() {
    sendsQueued.decrementAndGet();
  }

  /** A burst's own messages were just shown and sent: sign their head now, or hold it. */
  public void published() {
    if (!room.headPending()) {
      return; // the burst had no own message, or a long-burst head covered it already
    }
    long now = thread.nanoTime();
    long at = schedule.published(now, behind());
    if (at - now <= 0) {
      sign();
    } else if (deadline == null) {
      deadline = thread.loop().schedule(this::held, at - now, TimeUnit.NANOSECONDS);
    }
  }

  /** The hold is over: sign, unless the node stopped (a close signed it already; a crash never). */
  private void held() {
    deadline = null;
    if (thread.stopped()) {
      schedule.dropped();
      return;
    }
    sign();
  }

  /** Signs the held head; its frame joins the burst being written (or starts one). */
  void sign() {
    cancel();
    if (room.signHead()) {
      schedule.signed(thread.nanoTime());
    }
  }

  private void cancel() {
    schedule.dropped();
    if (deadline != null) {
      deadline.cancel(false);
      deadline = null;
    }
  }

  /**
   * More own sends wait for the room thread, or own messages for their fsync: more bursts are
   * coming.
   */
  private boolean behind() {
    return sendsQueued.get() > 0 || room.ownInFlight();
  }
}
