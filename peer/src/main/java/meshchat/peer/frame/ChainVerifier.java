package meshchat.peer.frame;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.DecoderException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import meshchat.peer.limit.Counters;
import meshchat.peer.message.ChainHead;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.LinkMessage.CloseReason;
import meshchat.peer.message.PeerId;
import meshchat.wire.LoopTicker;
import meshchat.wire.RecentlyEncoded;

/**
 * Authenticates every chat message that enters from a link, live or in a history batch, before the
 * room can store or forward it ({@link ChainCheck}): live messages are passed on as chat only once
 * a signed head of their author's hash chain covers them, each followed by that head. A live
 * message read on its author's own link is also passed on at once as {@link LinkMessage.Unsigned},
 * which the room may only show (docs/security.md, "Lines shown before their head"). An honest peer
 * forwards only what it authenticated, so a message that fails can only come from a faulty or
 * hostile sender: the link is closed with {@code Close(INVALID_MESSAGE, why)} and the refusal
 * counted.
 *
 * <p>Outbound, it sends an origin's key only with the first head of that origin on this link, and
 * leaves out of a batch the messages no head in it covers (history written before chains existed,
 * which every peer would refuse, stays local).
 */
public final class ChainVerifier extends ChannelDuplexHandler {
  /** Frames a link may have read past a check still running before its reading pauses. */
  static final int MAX_WAITING = 256;

  /**
   * How long a line shown before its head may wait for a signed head that covers it before the link
   * is closed (docs/security.md, "Lines shown before their head"). An honest author writes the head
   * in the burst of its messages, or at most {@code HeadPacer.HOLD_MS} (5 ms) later while more of
   * its own sends are queued, or {@code HeadPacer.SPACING_MS} (20 ms) after its last head: 2 s is
   * 100 such holds and nearly 3 times the worst latency tail this box showed under load (687 ms at
   * p99, issue 12), so only a stalled or hostile author meets it; and it is short enough that a
   * line its author never signs is retracted within seconds.
   */
  static final long EARLY_HEAD_MS = 2_000;

  /**
   * Past {@link #EARLY_HEAD_MS}, the link is closed only on evidence that the author is running and
   * did not sign: a frame it sent after the bound was read and handled at least this long ago
   * (every frame read before it handled too, so a head sent in time has been checked). An author
   * stalled past the bound (a collector's pause, a starved box) sends nothing meanwhile, and so is
   * not blamed for it; nor are we for our own stalls, paused reads or check backlog, which only
   * delay that frame. The grace covers an author's loop that answered our ping before running the
   * timer that writes the head.
   */
  static final long EARLY_EVIDENCE_MS = 500;

  /**
   * The bound on waiting without that evidence: an author that sends nothing at all is closed as
   * idle long before ({@code LinkConfig.idleTimeoutMs}); this only bounds what a link whose reading
   * we keep paused can keep on screen unsigned.
   */
  static final long EARLY_HEAD_LIMIT_MS = 30 * EARLY_HEAD_MS;

  /**
   * Lines of the link's peer that a head in the same read covers, at least, for them to skip the
   * early pass: a stream (docs/benchmarks.md, session 22). A streamed line waits for its head's
   * check on the pool, which matters little in a stream (the throughput cell: 80 % of lines) and a
   * lot to a reader behind in a chat: there a head covers one burst, a line or two, and at 4 a
   * loaded latency cell streamed half its lines and they waited for the pool's backlog (p50 ~200 ms
   * against ~6 ms shown early). 16 lines under one head is 80 ms of a fast typist's lines.
   */
  static final int STREAM_LINES = 16;

  /**
   * How long this link's last check on the pool may have taken, there and back, for a stream to
   * skip the early pass: a streamed line waits for its head's check, which is ~0.1 ms while the
   * pool keeps up and was seconds on a box at load 25, where showing lines early is the whole
   * difference (docs/benchmarks.md, session 22).
   */
  static final long STREAM_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  private static final Object INACTIVE = new Object(); // channelInactive, kept in order

  // a live head frame's copy without its key, per thread (see keyOnce)
  private static final RecentlyEncoded<LinkMessage.Head, LinkMessage.Head> WITHOUT_KEY =
      new RecentlyEncoded<>(f -> 0);

  private final ChainCheck check;
  private final Counters counters;
  private final Executor pool; // null: checks run inline, on the link's thread
  private final Set<PeerId> keySent = new HashSet<>();
  // what this link read while a check ran on the pool, in order (link thread only)
  private final ArrayDeque<Object> waiting = new ArrayDeque<>();
  // the check of this link running on the pool, null for none: what runs here instead if the
  // channel closes first, and what tells the pool's answer for it from a stale one
  private Inline running;
  private boolean closed; // the channel is inactive: checks run here, on the link's thread
  private boolean paused; // reading paused because too much waits behind it
  private PeerId author; // the link's peer, from its Hello (proven before any chat gets past it)
  private ScheduledFuture<?> earlyTimer; // armed while lines shown before their head wait for it
  // frames read from the link, counted; the number of the frame being handled, and of the one
  // whose check runs; whether the oldest early line's bound passed (marked), and that line's
  // time; the first frame read after that, and when (the link's ticker), or -1
  private long readNo;
  private long handlingNo;
  private long runningNo;
  private boolean marked;
  private long markOldest;
  private long afterMarkNo = -1;
  private long afterMarkAt;
  private boolean checkingHead; // what runs on the pool is a head's check (not a batch's)
  private long checkSent; // when the running check went to the pool (the link's ticker)
  private long lastCheckNanos; // how long the last check took, there and back
  // lines of the link's peer read in this read's run of chat and head frames, not yet passed on
  // early: passed at the run's end unless a head read meanwhile covers a stream of them
  private final ArrayList<ChatMessage> earlyPending = new ArrayList<>();

  /**
   * Checks inline, on the link's thread (harnesses and tests that drive an EmbeddedChannel).
   *
   * @param room the room as on the wire (its name, or a private room's id), which hashes cover
   * @param counters counts refusals ({@link Counters.Counter#BAD_SIGNATURE}) and gaps
   */
  public ChainVerifier(String room, Counters counters) {
    this(room, counters, null);
  }

  /**
   * Checks signatures and history batches on {@code pool}, off the link's thread (which runs the
   * room in the peer). While a check runs, what the link reads waits, so the link's order is kept;
   * over {@link #MAX_WAITING} frames waiting, the link's reading pauses until the pool caught up.
   * Hashing and holding live messages stay on the link's thread: a SHA-256 of a chat message costs
   * about a microsecond, a signature check about sixty.
   */
  public ChainVerifier(String room, Counters counters, Executor pool) {
    this(new ChainCheck(room), counters, pool);
  }

  /** On the link's thread, with another bound on the keys a link may teach (tests). */
  public static ChainVerifier withMaxKeys(String room, Counters counters, int maxKeys) {
    return new ChainVerifier(new ChainCheck(room, maxKeys), counters, null);
  }

  private ChainVerifier(ChainCheck check, Counters counters, Executor pool) {
    this.check = check;
    this.counters = counters;
    this.pool = pool;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    handlingNo = ++readNo;
    if (marked && afterMarkNo < 0) {
      afterMarkNo = readNo; // the author sent this after the bound passed
      afterMarkAt = LoopTicker.nanoTime(ctx);
    }
    if (running != null && checkingHead && waiting.isEmpty() && authorsLine(msg)) {
      counters.add(Counters.Traffic.LINES_DURING_CHECK, 1);
    } else if (running != null) {
      waiting.add(msg);
      if (waiting.size() >= MAX_WAITING && !paused) {
        paused = true;
        ReadPause.pause(ctx.channel());
      }
      return;
    }
    try {
      handle(ctx, msg);
    } catch (ChainCheck.Refused e) {
      passEarly(ctx);
      throw refusal(e);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    passEarly(ctx);
    ctx.fireChannelReadComplete();
  }

  /**
   * A live line of the link's peer, which may be taken while a head's check runs if nothing else
   * waits behind it: it is hashed and held as if read after the check ({@link ChainCheck} keeps the
   * chain per link, and only chat frames move it), passed on early at once, and covered by the next
   * head as usual. A typed line then never waits for the check of the burst before it (the pool
   * behind, a core busy elsewhere: the latency cell's tail, docs/benchmarks.md, session 22). Once
   * anything waits, everything read after it waits too, so the link's order holds; the lines taken
   * this way are at most what the author sends before its next head, which then waits.
   */
  private boolean authorsLine(Object msg) {
    return msg instanceof LinkMessage.Chat c
        && !closed
        && author != null
        && c.message().origin().equals(author);
  }

  /**
   * A check still running when the channel closes is run again here, and what waited behind it is
   * passed on, before the link is reported down: Netty takes every handler out of the pipeline once
   * the closed channel is unregistered, which comes right after this, so what the pool's answer
   * released later would reach nobody (the last line before a Close, its head and the Close
   * itself). The work is bounded: the frames waiting ({@link #MAX_WAITING}), each at most one
   * check.
   */
  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    passEarly(ctx); // read before the close: passed on as they would have been
    closed = true;
    if (earlyTimer != null) {
      earlyTimer.cancel(false);
      earlyTimer = null;
    }
    if (running != null) {
      waiting.add(INACTIVE); // after what was read before it: a Close read last still counts
      Inline pending = running;
      running = null; // the pool's answer, when it comes, is stale
      try {
        pending.run();
      } catch (ChainCheck.Refused e) {
        ctx.fireExceptionCaught(refusal(e));
      } catch (DecoderException e) {
        ctx.fireExceptionCaught(e); // a batch read here whose messages break a rule
      }
      drain(ctx);
    } else {
      ctx.fireChannelInactive();
    }
  }

  private void handle(ChannelHandlerContext ctx, Object msg) throws ChainCheck.Refused {
    // Chat and Head, nearly every frame, by exact class (records, so final): an instanceof is
    // compiled by C2 to a guess of the class its profile saw there, and each frame of another kind
    // read later (a digest, a ping) threw this method's compiled code away, four times inside the
    // throughput cell's measured burst (docs/benchmarks.md, session 34); a class compared is no
    // guess. The other kinds in a method of their own.
    Class<?> kind = msg.getClass();
    if (kind == LinkMessage.Chat.class) {
      ChatMessage held = check.onChat((LinkMessage.Chat) msg);
      if (held != null && !closed && held.origin().equals(author)) {
        earlyPending.add(held); // passed on at the end of this run of frames, or covered by then
      }
    } else if (kind == LinkMessage.Head.class) {
      head(ctx, ((LinkMessage.Head) msg).head());
    } else {
      passEarly(ctx); // in the link's order: before any other frame read after them
      handleRare(ctx, msg);
    }
  }

  private void head(ChannelHandlerContext ctx, ChainHead head) throws ChainCheck.Refused {
    coveredInHand(ctx, head);
    if (pool == null || closed) {
      fire(ctx, check.onHead(head));
      return;
    }
    ChainHead full = check.toVerify(head);
    if (full != null && !superseded(full)) {
      checkingHead = true;
      offload(
          ctx,
          () -> {
            check.signed(full);
            return full;
          },
          verified -> fire(ctx, check.onVerifiedHead(verified)));
    }
  }

  /** {@link #handle}'s frames other than Chat and Head. */
  private void handleRare(ChannelHandlerContext ctx, Object msg) throws ChainCheck.Refused {
    if (msg instanceof LinkMessage.Hello h) {
      if (author == null) {
        author = h.peerId(); // the handshake closes the link unless it proves this id
      }
    } else if (msg instanceof LinkMessage.SyncBatch b) {
      if (pool == null || closed) {
        msg = check.onBatch(b);
      } else {
        Map<PeerId, byte[]> keys = check.batchKeys(b);
        checkingHead = false;
        offload(ctx, () -> check.verifyBatch(b, keys), verified -> ctx.fireChannelRead(verified));
        return;
      }
    } else if (msg instanceof LinkFrameReader.DeferredBatch d) {
      // its messages read on the pool with its check, not here (docs/benchmarks.md, session 38);
      // the keys its heads carry learnt here, in the link's order, as for a batch read whole
      Map<PeerId, byte[]> keys = check.batchKeys(d.shell());
      if (pool == null || closed) {
        msg = check.verifyBatch(d.decode(), keys);
      } else {
        checkingHead = false;
        offload(
            ctx,
            () -> check.verifyBatch(d.decode(), keys),
            verified -> ctx.fireChannelRead(verified));
        return;
      }
    } else if (msg instanceof LinkMessage.Equivocated q) {
      msg = new LinkMessage.Equivocated(check.onEquivocation(q.proof()));
    }
    ctx.fireChannelRead(msg);
  }

  /**
   * A head read behind lines of its origin that wait to be passed on early: if it covers a stream
   * of them ({@link #STREAM_LINES} or more) and this link's checks keep up ({@link
   * #STREAM_CHECK_NANOS}), they skip the early pass and go through the room once, when this head is
   * checked (each early line passes the room twice: shown, then stored); else they are passed on
   * early now, ahead of the head, as read.
   */
  private void coveredInHand(ChannelHandlerContext ctx, ChainHead head) {
    if (earlyPending.isEmpty() || !head.origin().equals(author)) {
      return;
    }
    int covered = 0;
    for (ChatMessage m : earlyPending) {
      if (m.seq() <= head.seq()) {
        covered++;
      }
    }
    if (covered < STREAM_LINES || lastCheckNanos > STREAM_CHECK_NANOS) {
      passEarly(ctx); // a few lines, or our checks are behind: shown now, not after the check
      return;
    }
    counters.add(Counters.Traffic.LINES_STREAMED, covered);
    earlyPending.removeIf(m -> m.seq() <= head.seq());
    passEarly(ctx); // the rest are past this head: the next one covers them
  }

  /** Passes on early the lines of the link's peer read so far and not covered (see above). */
  private void passEarly(ChannelHandlerContext ctx) {
    if (earlyPending.isEmpty()) {
      return;
    }
    long now = LoopTicker.nanoTime(ctx);
    int passed = 0;
    for (ChatMessage held : earlyPending) {
      if (!closed && check.showEarly(held, now)) {
        ctx.fireChannelRead(new LinkMessage.Unsigned(held));
        passed++;
      }
    }
    earlyPending.clear();
    if (passed > 0) {
      counters.add(Counters.Traffic.LINES_EARLY, passed);
      armEarly(ctx, EARLY_HEAD_MS);
    }
  }

  /**
   * A line of the link's peer was shown before its head: the link is closed if no checked head
   * covers it {@link #EARLY_HEAD_MS} after (one timer per link, for the oldest such line).
   */
  private void armEarly(ChannelHandlerContext ctx, long delayMs) {
    if (earlyTimer == null) {
      earlyTimer = ctx.executor().schedule(() -> earlyDue(ctx), delayMs, TimeUnit.MILLISECONDS);
    }
  }

  private void earlyDue(ChannelHandlerContext ctx) {
    earlyTimer = null;
    long oldest = check.oldestEarlyAt();
    if (closed || oldest < 0) {
      marked = false;
      afterMarkNo = -1;
      return;
    }
    long now = LoopTicker.nanoTime(ctx);
    long waited = TimeUnit.NANOSECONDS.toMillis(now - oldest);
    if (waited < EARLY_HEAD_MS) {
      marked = false; // the lines that waited that long were covered: a younger one is the oldest
      afterMarkNo = -1;
      armEarly(ctx, EARLY_HEAD_MS - waited);
      return;
    }
    if (!marked || oldest != markOldest) {
      // the bound passed for this line (first look, or a head covered the lines an earlier mark
      // was for): the author's next frame read is the evidence
      marked = true;
      markOldest = oldest;
      afterMarkNo = -1;
    }
    boolean heardSince =
        afterMarkNo >= 0
            && (running == null || runningNo > afterMarkNo) // it and all before it handled
            && now - afterMarkAt >= TimeUnit.MILLISECONDS.toNanos(EARLY_EVIDENCE_MS);
    if (!heardSince && waited < EARLY_HEAD_LIMIT_MS) {
      // No evidence yet that the author runs and did not sign: it may be stalled (it then sends
      // nothing, and is closed as idle if it stays silent), or we may be (our loop starved, our
      // reads paused, our checks behind: the head may be unread or unchecked). Look again soon.
      armEarly(ctx, EARLY_HEAD_MS / 10);
    } else {
      ctx.fireExceptionCaught(
          refusal(
              new ChainCheck.Refused(
                  check.earlyWaiting()
                      + " line(s) shown before their head, and no signed head covered them"
                      + " within "
                      + waited
                      + " ms")));
    }
  }

  /**
   * True if a later head of {@code head}'s origin was read behind it, with every message between
   * the two: that head's chain reaches the messages this one covers, so its one signature check
   * authenticates both runs, and this head is not passed on (the room keeps the later one). This is
   * how a link behind its checks catches up: under a steady stream each message is its own burst
   * with its own head, and checking every one would cost a signature check per message again.
   */
  private boolean superseded(ChainHead head) {
    PeerId origin = head.origin();
    long next = held(origin, head.seq() + 1);
    for (Object o : waiting) {
      Class<?> kind = o.getClass(); // not instanceof: see handle
      if (kind == LinkMessage.Chat.class) {
        ChatMessage m = ((LinkMessage.Chat) o).message();
        if (m.origin().equals(origin)) {
          if (m.seq() != next) {
            return false; // a gap or a repeat: let each head answer for its own run
          }
          next = held(origin, next + 1);
        }
      } else if (kind == LinkMessage.Head.class) {
        ChainHead later = ((LinkMessage.Head) o).head();
        if (later.origin().equals(origin)) {
          return later.seq() == next - 1 && next - 1 > head.seq();
        }
      }
    }
    return false;
  }

  /**
   * The first seq from {@code seq} up that is not held already: lines of the link's peer taken
   * while a check ran ({@link #authorsLine}) are held, not waiting, and count in a run as if they
   * waited.
   */
  private long held(PeerId origin, long seq) {
    while (check.holds(origin, seq)) {
      seq++;
    }
    return seq;
  }

  private void fire(ChannelHandlerContext ctx, List<LinkMessage> authenticated) {
    for (LinkMessage m : authenticated) {
      ctx.fireChannelRead(m);
    }
    long gaps = check.takeGapDropped();
    for (long i = 0; i < gaps; i++) {
      counters.increment(Counters.Counter.CHAIN_GAP_DROPPED);
    }
  }

  /** Work for the pool: pure (hashes and signatures), never the link's state. */
  private interface Work<T> {
    T run() throws ChainCheck.Refused;
  }

  /** What follows on the link's thread once the work is done. */
  private interface Then<T> {
    void accept(T result) throws ChainCheck.Refused;
  }

  /** A check and what follows it, run on the link's thread. */
  private interface Inline {
    void run() throws ChainCheck.Refused;
  }

  /**
   * Runs {@code work} on the pool; then, on the link's thread, {@code then} and the frames read
   * meanwhile, in order. A refusal closes the link as an inline one would.
   */
  private <T> void offload(ChannelHandlerContext ctx, Work<T> work, Then<T> then) {
    Inline mine = () -> then.accept(work.run());
    running = mine;
    runningNo = handlingNo;
    checkSent = LoopTicker.nanoTime(ctx);
    Runnable task =
        () -> {
          T result = null;
          Exception failed = null;
          try {
            result = work.run();
          } catch (ChainCheck.Refused | RuntimeException e) {
            failed = e; // a bug must cost only this link, never leave it waiting
          }
          T done = result;
          Exception no = failed;
          try {
            ctx.executor().execute(() -> resume(ctx, mine, done, no, then));
          } catch (RejectedExecutionException e) {
            // the peer is shutting down: nothing waits for this link any more
          }
        };
    try {
      pool.execute(task);
    } catch (RejectedExecutionException e) {
      task.run(); // the pool is shut down (the peer is stopping): check here
    }
  }

  private <T> void resume(
      ChannelHandlerContext ctx, Inline mine, T result, Exception failed, Then<T> then) {
    if (running != mine) {
      return; // run again on this thread when the channel closed first
    }
    running = null;
    lastCheckNanos = LoopTicker.nanoTime(ctx) - checkSent;
    boolean batch = !checkingHead;
    try {
      if (failed instanceof ChainCheck.Refused r) {
        throw r;
      } else if (failed != null) {
        ctx.fireExceptionCaught(failed);
      } else {
        if (batch) {
          startNextBatch(ctx);
        }
        then.accept(result);
      }
    } catch (ChainCheck.Refused e) {
      ctx.fireExceptionCaught(refusal(e));
    }
    drain(ctx);
    if (paused && waiting.isEmpty()) {
      paused = false;
      if (ReadPause.resume(ctx.channel()) && ctx.channel().isActive()) {
        ctx.channel().config().setAutoRead(true);
      }
    }
  }

  /**
   * A checked history batch is about to be passed on: if the next frame waiting behind it is a
   * batch too, its check starts on the pool now, while the room stores and delivers this one, and
   * not after (a catch-up's batches come back to back: the room's thread waited for each one's
   * check, and the pool for each one's storing, docs/benchmarks.md, session 37). Only a batch's
   * check runs ahead, and only of a batch: its keys are this link's own (nothing the room does with
   * the batch before it changes them), and it is still passed on after this one, in the link's
   * order. A batch {@link ChainCheck#batchKeys} refuses is left waiting, to be refused in its turn.
   */
  private void startNextBatch(ChannelHandlerContext ctx) {
    Object waits = waiting.peek();
    LinkMessage.SyncBatch next;
    LinkFrameReader.DeferredBatch deferred = null;
    if (closed) {
      return;
    } else if (waits instanceof LinkMessage.SyncBatch b) {
      next = b;
    } else if (waits instanceof LinkFrameReader.DeferredBatch d) {
      deferred = d;
      next = d.shell();
    } else {
      return;
    }
    Map<PeerId, byte[]> keys;
    try {
      keys = check.batchKeys(next); // keeps what keys it carries: as its own turn would
    } catch (ChainCheck.Refused e) {
      return; // again in its turn (nothing kept of the head it fails at), and refused then
    }
    handlingNo = readNo - waiting.size() + 1;
    waiting.poll();
    checkingHead = false;
    LinkFrameReader.DeferredBatch d = deferred;
    offload(
        ctx,
        () -> check.verifyBatch(d == null ? next : d.decode(), keys),
        verified -> ctx.fireChannelRead(verified));
  }

  /** Passes on what waited behind a check, in order, until another check starts. */
  private void drain(ChannelHandlerContext ctx) {
    while (running == null && !waiting.isEmpty()) {
      handlingNo = readNo - waiting.size() + 1; // the queue holds the frames read last, in order
      Object next = waiting.poll();
      if (next == INACTIVE) {
        ctx.fireChannelInactive();
        continue;
      }
      try {
        handle(ctx, next);
      } catch (ChainCheck.Refused e) {
        passEarly(ctx);
        ctx.fireExceptionCaught(refusal(e));
      } catch (DecoderException e) {
        passEarly(ctx);
        ctx.fireExceptionCaught(e); // a batch read here (the channel closed) breaks a rule
      }
    }
    passEarly(ctx);
    ctx.fireChannelReadComplete(); // the dispatcher hands over what this released
  }

  /** A refusal as the link layer closes for, counted by its reason. */
  private LinkFrameException refusal(ChainCheck.Refused e) {
    if (e.counter() != Counters.Counter.BAD_SIGNATURE) {
      // counted once, by its own reason, where the link is closed
      return new LinkFrameException(e.reason(), e.getMessage(), e.counter());
    }
    counters.increment(Counters.Counter.BAD_SIGNATURE);
    return LinkFrameException.alreadyCounted(
        CloseReason.INVALID_MESSAGE, e.getMessage(), Counters.Counter.BAD_SIGNATURE);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof LinkMessage.Chat c && !c.message().isChained()) {
      promise.setSuccess(); // unchained history: every peer would refuse it
      return;
    } else if (msg instanceof LinkMessage.Head h) {
      msg = keyOnce(h);
    } else if (msg instanceof LinkMessage.SyncBatch b) {
      msg = covered(b);
    }
    ctx.write(msg, promise);
  }

  /**
   * As {@link #keyOnce(ChainHead)} for a live head frame: the room writes one frame to every link,
   * and the links that drop its key share one frame without it, so it is encoded once per thread
   * ({@link RecentlyEncoded}), not once per link.
   */
  private LinkMessage.Head keyOnce(LinkMessage.Head frame) {
    ChainHead h = frame.head();
    if (keyOnce(h) == h) {
      return frame;
    }
    return WITHOUT_KEY.get(frame, f -> new LinkMessage.Head(withoutKey(f.head())));
  }

  private static ChainHead withoutKey(ChainHead h) {
    return new ChainHead(h.origin(), h.seq(), h.hash(), h.signature(), new byte[0]);
  }

  private ChainHead keyOnce(ChainHead h) {
    if (keySent.add(h.origin()) || h.publicKey().length == 0) {
      return h;
    }
    return withoutKey(h);
  }

  /** The batch without the messages its heads do not reach, and with keys sent once. */
  private LinkMessage.SyncBatch covered(LinkMessage.SyncBatch b) {
    List<ChainHead> heads = new ArrayList<>(b.heads().size());
    for (ChainHead h : b.heads()) {
      heads.add(keyOnce(h));
    }
    return new LinkMessage.SyncBatch(
        b.requestId(), BatchReach.reached(b.messages(), b.heads()), b.done(), heads);
  }
}
