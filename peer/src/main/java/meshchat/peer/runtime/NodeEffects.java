package meshchat.peer.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.IntSupplier;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import java.util.function.LongToIntFunction;
import meshchat.peer.limit.Counters;
import meshchat.peer.limit.Counters.Traffic;
import meshchat.peer.link.Link;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.peer.room.Delivery;
import meshchat.peer.room.RoomEffects;
import meshchat.peer.room.RoomNotice;
import meshchat.peer.store.MessageStore;
import meshchat.peer.store.StoreException;
import meshchat.tracker.metrics.LatencyHistogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The room's effects on real sockets: commits, frames to links, deliveries to the listener.
 *
 * <p>Nothing happens at once: the room thread first runs the events already queued (a burst), then
 * the store commits once, then the room is told its own messages staged in the burst are durable
 * ({@code Room.durable}: it shows them and sends them), and only then do the burst's frames reach
 * the links, in the order the room sent them, with one flush per link. That is group commit: a
 * burst of messages costs one SQLite commit (one fsync) and one syscall per link instead of one of
 * each per message, and durable-before-shown-before-sent holds, because nothing is shown or leaves
 * before the commit that made it durable. When the commit held own messages that need an fsync (the
 * product's store), the fsync runs on a store thread ({@link StoreSync}): the burst's other frames
 * go out at once, the room thread takes the next events, and the own messages are shown and sent in
 * a later burst, when the fsync is done ({@code Room.committed}, then {@code Room.durable} with the
 * commit's number). A receiver's delivery never waits for a commit or an fsync. A burst ends when
 * the room asked for a commit or queued a frame, whichever comes first; typing alone, with no link,
 * is a burst too. Room thread only, like everything here.
 *
 * <p>It sees the room only through what a commit tells it ({@link #bind}), the links only as a
 * lookup by peer, and membership only as the place learned addresses go.
 */
public final class NodeEffects implements RoomEffects {
  private static final Logger log = LoggerFactory.getLogger(NodeEffects.class);

  private final PeerId self;
  private final MessageStore store;
  private final Function<PeerId, Link> links;
  private final Executor roomThread;
  private final Counters counters;
  private final LatencyHistogram commitLatency;
  private final LongSupplier nanoTime;
  private final PeerListener listener;
  private final String tag;
  private Runnable durable;
  private LongConsumer durableThrough;
  private boolean closed; // room thread only: the close's last burst ran
  private LongSupplier committed;
  private StoreSync sync;
  private LongToIntFunction syncFailedHook;
  private IntSupplier commitFailed;
  private Runnable delivered;
  private Runnable caughtUp = () -> {};
  private BiConsumer<PeerId, LinkMessage.PeerAddress> learned;
  private final List<Link> pendingLinks = new ArrayList<>();
  private final List<LinkMessage> pendingMessages = new ArrayList<>(); // null = close after
  private final List<LinkMessage.Close> pendingCloses = new ArrayList<>();
  // the links this burst wrote to, each once, in the order first written: a list, not a
  // LinkedHashSet, whose entry per add and iterator per burst were 4.7 % of the memory latency
  // cell's allocation (a burst per line there; docs/benchmarks.md, session 38)
  private final List<Link> toFlush = new ArrayList<>();
  private boolean endQueued;
  // where the store's log checkpoints run (null: the store has none), and how many commits ago the
  // last was asked for; at most one per node is queued or running
  private Executor checkpoints;
  private int commitsSinceCheckpoint;
  private final AtomicBoolean checkpointing = new AtomicBoolean();

  /**
   * Commits that stored something between two checkpoints: a burst of one message appends a few log
   * pages, so about SQLite's own 1,000 pages.
   */
  static final int CHECKPOINT_EVERY = 256;

  /**
   * Rows written between two checkpoints at most ({@link MessageStore#writes}): a burst of a
   * catch-up or a busy room commits a thousand rows or more, 0.3-0.4 KB of log each, and 256 such
   * commits passed the log's backstop (16,384 pages), where a commit on the room thread checkpoints
   * 64 MB and fsyncs it (docs/benchmarks.md, session 36). 16,384 rows are about 6 MB of log.
   */
  static final long CHECKPOINT_ROWS = 16_384;

  private long writesAtCheckpoint; // store.writes() when the last checkpoint was asked for

  private boolean stored; // this burst delivered or wrote a message: its commit is timed

  // what the burst shows (deliveries and the notices between them, in order), handed to the
  // listener once its commit is done, if the store outlives the process (rev27 F2: a line shown
  // before its commit was lost by a kill -9 in between); null: shown at once. A line shown before
  // its head, which no commit stores, is shown at once when nothing waits here (deliver)
  private final List<Object> shownAfterCommit;
  private long rollbacksSeen; // the store's rollbacks() at the last burst's end
  private String storeFailure; // why a write the room made in this burst failed, or null
  // the user was told the store fails, and no commit that stored anything succeeded since: one
  // line for a full disk, not one per burst that meets it
  private boolean toldStoreFailing;
  private int undelivered; // received deliveries of this burst the room took back (undeliver)
  private IntSupplier rolledBack = () -> 0; // Room.storeRolledBack

  /**
   * @param links the link the room talks to a peer over, or null
   * @param nanoTime the room thread's ticker, for {@code commitLatency}
   */
  public NodeEffects(
      PeerId self,
      MessageStore store,
      Function<PeerId, Link> links,
      Executor roomThread,
      Counters counters,
      LatencyHistogram commitLatency,
      LongSupplier nanoTime,
      PeerListener listener,
      String tag) {
    this.self = self;
    this.store = store;
    this.links = links;
    this.roomThread = roomThread;
    this.counters = counters;
    this.commitLatency = commitLatency;
    this.nanoTime = nanoTime;
    this.listener = listener;
    this.tag = tag;
    this.shownAfterCommit = store.outlivesProcess() ? new ArrayList<>() : null;
  }

  /**
   * What the room built over these effects hears back.
   *
   * @param durable the commit covering the room's own staged messages succeeded and nothing is left
   *     to fsync ({@code Room.durable})
   * @param committed it succeeded but its fsync is still to come: the room sets them aside and
   *     returns the commit's number ({@code Room.committed})
   * @param durableThrough the fsync is done for the commits up to a number: the room shows and
   *     sends their own messages ({@code Room.durable(long, boolean)})
   * @param syncFailed it failed: the room drops them and says how many ({@code Room.syncFailed})
   * @param storeThread where the fsyncs run
   * @param commitFailed it failed: the room drops them and says how many ({@code
   *     Room.commitFailed})
   * @param delivered after each delivery (the node notes the room's clock for its Hello)
   * @param learned a room member learned by peer exchange that is not linked ({@code
   *     Membership.learned})
   */
  public void bind(
      Runnable durable,
      LongSupplier committed,
      LongConsumer durableThrough,
      LongToIntFunction syncFailed,
      Executor storeThread,
      IntSupplier commitFailed,
      Runnable delivered,
      BiConsumer<PeerId, LinkMessage.PeerAddress> learned) {
    this.durable = durable;
    this.durableThrough = durableThrough;
    this.committed = committed;
    this.syncFailedHook = syncFailed;
    this.sync =
        new StoreSync(
            store,
            storeThread,
            roomThread,
            new StoreSync.Outcome() {
              @Override
              public void durableThrough(long commit) {
                if (closed) {
                  return; // the close made every waiting line durable, shown and sent, or dropped
                }
                NodeEffects.this.durableThrough.accept(commit);
                // what that wrote (a head signed with no link to send it on) is committed soon:
                // left open, the write lock would keep `history` on the live data dir waiting
                endOfBurstSoon();
              }

              @Override
              public void failedThrough(long commit, RuntimeException e) {
                if (!closed) {
                  syncFailed(commit, e);
                }
              }
            });
    if (store.takeCheckpoints()) {
      this.checkpoints = storeThread; // the room thread's commits never checkpoint (nor fsync)
    }
    this.commitFailed = commitFailed;
    this.delivered = delivered;
    this.learned = learned;
  }

  /** How long each fsync of own commits took on the store thread; empty before {@link #bind}. */
  public LatencyHistogram fsyncLatency() {
    return sync == null ? new LatencyHistogram() : sync.fsyncLatency();
  }

  /**
   * How long each commit of own messages waited from its fsync's request to its report on the room
   * thread; empty before {@link #bind}.
   */
  public LatencyHistogram durableLatency() {
    return sync == null ? new LatencyHistogram() : sync.durableLatency();
  }

  @Override
  public void send(PeerId to, LinkMessage message) {
    Link l = links.apply(to);
    if (l != null) {
      if (message instanceof LinkMessage.Chat c) {
        if (!c.message().origin().equals(self)) {
          counters.add(Traffic.MESSAGES_FORWARDED, 1);
        }
      } else if (message instanceof LinkMessage.SyncRequest) {
        counters.add(Traffic.SYNC_REQUESTS_SENT, 1);
      }
      queue(l, message, null);
    }
  }

  @Override
  public void closeLink(PeerId peer, LinkMessage.Close reason) {
    Link l = links.apply(peer);
    if (l != null) {
      queue(l, null, reason); // after what was sent to it before, never ahead of it
    }
  }

  @Override
  public void commit() {
    endOfBurstSoon();
  }

  private void queue(Link l, LinkMessage message, LinkMessage.Close close) {
    pendingLinks.add(l);
    pendingMessages.add(message);
    pendingCloses.add(close);
    endOfBurstSoon();
  }

  /** Asks for {@link #endBurst} once the room thread has run what is queued now. */
  void endOfBurstSoon() {
    if (!endQueued) {
      endQueued = true;
      roomThread.execute(() -> endBurst(false));
    }
  }

  /**
   * Ends the burst at once, the fsync of its own messages included, on the room thread: run right
   * before the node closes, so that every line typed so far is durable, shown and sent before the
   * Close.
   */
  void endBurst() {
    endBurst(true);
  }

  /**
   * Commit, tell the room (which shows its own messages and sends them: their frames join this
   * burst's) or, if they need an fsync first, start it; then write and flush in order. {@code
   * syncHere}: fsync on this thread (the node is closing).
   */
  private void endBurst(boolean syncHere) {
    endQueued = true; // what the room sends while told it is durable belongs to this burst
    try {
      sync.poll(); // own lines an fsync made durable meanwhile: shown and sent in this burst
      boolean committed = false;
      boolean owed = false;
      String failure = null;
      long start = nanoTime.getAsLong();
      try {
        owed = store.commitLeavingSync();
        committed = true;
      } catch (RuntimeException e) {
        counters.increment(Counters.Counter.STORE_FAILED);
        commitFailed(e); // the burst's own messages are dropped: never shown, never sent
        failure = e.getMessage();
      }
      long rollbacks = store.rollbacks();
      if (rollbacks != rollbacksSeen || storeFailure != null) {
        // the commit failed, or a write during the burst did and took the burst's rows with it:
        // the received messages delivered in it are not in the file, so they are not shown
        rollbacksSeen = rollbacks;
        String why =
            failure != null
                ? failure
                : storeFailure != null ? storeFailure : "a write to the history database failed";
        // whatever else the rollback took (a write of a timer's, a head's): taken back too
        int own = rolledBack.getAsInt();
        if (own > 0) {
          dropped("write", own, "store", new StoreException(why));
        }
        notStored(why);
        storeFailure = null;
      } else if (committed && stored) {
        toldStoreFailing = false; // the store takes rows again: a next failure is told again
      }
      if (stored) {
        stored = false;
        commitLatency.record(nanoTime.getAsLong() - start);
        if (committed) {
          checkpointSoon();
        }
      }
      if (committed && owed && !syncHere) {
        sync.request(this.committed.getAsLong()); // shown and sent once durable, in a later burst
      } else if (committed && syncHere && (owed || sync.busy())) {
        // closing while own lines wait for an fsync: this burst's, or earlier ones whose fsync
        // still runs on the store thread (its report would come after the Close, or never)
        this.committed.getAsLong(); // this burst's own lines join the commits waiting
        if (syncNow()) {
          durableThrough.accept(Long.MAX_VALUE); // every commit so far is durable: shown, sent
          commitHead();
        }
      } else if (committed) {
        durable.run(); // nothing staged waits for an fsync
        commitHead();
      }
      // committed, what the burst delivered is in the file a restart reads: now it is shown (the
      // commit failed: what is shown is what was stored before, and the notices)
      show();
    } finally {
      endQueued = false;
      if (shownAfterCommit != null && !shownAfterCommit.isEmpty()) {
        endOfBurstSoon(); // delivered while this burst showed its own: the next burst's
      }
      if (syncHere) {
        closed = true; // an fsync still running reports to nobody: its lines were handled here
      }
    }
    writeQueued();
  }

  /**
   * Every {@link #CHECKPOINT_EVERY} commits or {@link #CHECKPOINT_ROWS} rows, a checkpoint of the
   * store's log on the store thread; none while one is queued or running. A failed one costs
   * nothing but the log's length (the next one copies what it did not), so it is counted and
   * logged, not reported to the user.
   */
  private void checkpointSoon() {
    if (checkpoints == null) {
      return;
    }
    long writes = store.writes();
    if ((++commitsSinceCheckpoint < CHECKPOINT_EVERY
            && writes - writesAtCheckpoint < CHECKPOINT_ROWS)
        || !checkpointing.compareAndSet(false, true)) {
      return;
    }
    commitsSinceCheckpoint = 0;
    writesAtCheckpoint = writes;
    try {
      checkpoints.execute(
          () -> {
            try {
              store.checkpoint();
            } catch (RuntimeException e) {
              counters.increment(Counters.Counter.INTERNAL_ERROR);
              log.warn("{} log checkpoint failed", tag, e);
            } finally {
              checkpointing.set(false);
            }
          });
    } catch (RejectedExecutionException e) {
      checkpointing.set(false); // the store threads are shutting down: the close checkpoints
    }
  }

  /** The fsync, here and now (closing): false if it failed and every waiting line was dropped. */
  private boolean syncNow() {
    try {
      store.sync();
      return true;
    } catch (RuntimeException e) {
      syncFailed(Long.MAX_VALUE, e);
      return false;
    }
  }

  /** Writes the burst's frames in the order the room sent them, one flush per link. */
  private void writeQueued() {
    for (int i = 0; i < pendingLinks.size(); i++) {
      Link l = pendingLinks.get(i);
      LinkMessage m = pendingMessages.get(i);
      if (m != null) {
        l.write(m);
        if (!toFlush.contains(l)) {
          toFlush.add(l);
        }
      } else {
        toFlush.remove(l);
        l.close(pendingCloses.get(i)); // Close goes out after everything written before it
      }
    }
    pendingLinks.clear();
    pendingMessages.clear();
    pendingCloses.clear();
    for (int i = 0; i < toFlush.size(); i++) {
      toFlush.get(i).flush();
    }
    toFlush.clear();
  }

  /** The fsync after the commits up to {@code commit} failed: their own messages are dropped. */
  private void syncFailed(long commit, RuntimeException e) {
    dropped("fsync", syncFailedHook.applyAsInt(commit), "make durable", e);
  }

  private void commitFailed(RuntimeException e) {
    dropped("commit", commitFailed.getAsInt(), "store", e);
  }

  /**
   * A write of the burst, or its commit, failed (a full disk) and rolled back its unit of work: the
   * room took back what it had delivered of the rows it took ({@link #undeliver}: counted there as
   * {@code received_not_stored}), which are not shown, since they are not in the file (a line shown
   * and then lost breaks the promise a shown line makes, rev28), and asks the links that sent them
   * for them again. The user is told in one line, once while the store keeps failing (not once per
   * burst that meets it), whatever the count. Own messages shown in this burst were durable before
   * (their fsync came first) and stay.
   */
  private void notStored(String why) {
    int lost = undelivered;
    undelivered = 0;
    if (toldStoreFailing) {
      return; // told already: counted, not said again
    }
    toldStoreFailing = true;
    listener.error(
        lost == 0
            ? "could not store what the room received ("
                + why
                + "); it is fetched again once the disk has room"
            : "could not store "
                + lost
                + (lost == 1 ? " received message (" : " received messages (")
                + why
                + "); not shown: "
                + (lost == 1 ? "it is" : "they are")
                + " fetched again once the disk has room");
  }

  @Override
  public void undeliver(MessageId id) {
    if (shownAfterCommit == null) {
      return; // shown at once: a store that does not outlive the process never rolls back
    }
    for (int i = shownAfterCommit.size() - 1; i >= 0; i--) {
      if (shownAfterCommit.get(i) instanceof Delivery d && d.message().id().equals(id)) {
        shownAfterCommit.remove(i);
        undelivered++;
        return;
      }
    }
  }

  /**
   * {@code hook} takes back what a rollback took that the room did not meet itself (a write of a
   * timer's, a head's) and returns how many own staged messages went with it ({@code
   * Room.storeRolledBack}).
   */
  public void onRolledBack(IntSupplier hook) {
    rolledBack = hook;
  }

  /** Logs and tells the user that {@code dropped} own messages were neither shown nor sent. */
  private void dropped(String step, int dropped, String could, RuntimeException e) {
    log.warn("{} {} failed; {} own messages not shown or sent", tag, step, dropped, e);
    if (dropped > 0) {
      listener.error(
          "could not "
              + could
              + " "
              + dropped
              + " of your messages ("
              + e.getMessage()
              + "); they were not shown or sent");
    }
  }

  /**
   * Commits the chain head the room signed once the burst was durable (and anything else it wrote
   * then): left open, that write would hold SQLite's write lock until the next burst, and `history`
   * on the live data dir would wait for it in vain. A failure loses only the head, which the peer
   * signs again at its next start.
   */
  private void commitHead() {
    try {
      store.commit();
    } catch (RuntimeException e) {
      counters.increment(Counters.Counter.INTERNAL_ERROR);
    }
  }

  @Override
  public void deliver(Delivery delivery) {
    stored = true;
    counters.add(Traffic.MESSAGES_DELIVERED, 1);
    delivered.run();
    if (shownAfterCommit == null || (delivery.early() && shownAfterCommit.isEmpty())) {
      // a line shown before its head is not stored by this burst (nor by any, until its head
      // comes): its commit protects nothing of it, so it is not kept waiting for it, unless
      // something of the burst is to be shown before it (the screen's order)
      listener.delivered(delivery);
    } else {
      shownAfterCommit.add(delivery);
      endOfBurstSoon();
    }
  }

  @Override
  public void notice(RoomNotice notice) {
    if (shownAfterCommit == null || shownAfterCommit.isEmpty()) {
      told(notice);
    } else {
      shownAfterCommit.add(notice); // after the lines it follows
    }
  }

  /**
   * Hands {@code notice} to the listener; a {@link RoomNotice.CaughtUp} then runs the {@link
   * #onCaughtUp} hook: only once the lines the catch-up brought are committed and shown, since the
   * hook lets the JVM's one full collection begin ({@link HeapSettle}), which stops every thread,
   * and the display prints a catch-up's lines at this notice (ChatView flushes them). Run when the
   * room reported it, the collection (23-35 ms) stopped the catch-up's last batch between its
   * delivery and its commit, and its lines came that much later (docs/benchmarks.md, session 36).
   */
  private void told(RoomNotice notice) {
    try {
      listener.notice(notice);
    } finally {
      if (notice instanceof RoomNotice.CaughtUp) {
        caughtUp.run();
      }
    }
  }

  /** Hands the burst's deliveries, and the notices between them, to the listener in order. */
  private void show() {
    if (shownAfterCommit == null || shownAfterCommit.isEmpty()) {
      return;
    }
    List<Object> now = new ArrayList<>(shownAfterCommit);
    shownAfterCommit.clear(); // what a listener's call makes the room deliver waits for its commit
    for (Object o : now) {
      try {
        if (o instanceof Delivery d) {
          listener.delivered(d);
        } else {
          told((RoomNotice) o);
        }
      } catch (RuntimeException e) {
        // a display's bug: the rest is shown and the burst's frames still go out after it
        counters.increment(Counters.Counter.INTERNAL_ERROR);
        log.warn("{} showing {} failed", tag, o, e);
      }
    }
  }

  @Override
  public void storeFailed(StoreException e) {
    if (storeFailure == null) {
      storeFailure = e.getMessage();
    }
    if (counters.logBudget(Counters.Counter.STORE_FAILED).admit(nanoTime.getAsLong())
        != meshchat.peer.limit.LogBudget.LEAVE_OUT) {
      log.warn(
          "{} a write to the history database failed; no link blamed: {}", tag, e.getMessage());
    }
    endOfBurstSoon(); // told, and what it delivered taken back, at the burst's end
  }

  /**
   * {@code hook} runs on the room thread whenever the room reports it caught up, once that report
   * is shown (after the commit of the lines before it).
   */
  public void onCaughtUp(Runnable hook) {
    caughtUp = hook;
  }

  @Override
  public void dial(PeerId namer, LinkMessage.PeerAddress address) {
    learned.accept(namer, address);
  }
}
