package meshchat.peer.link.netty;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import meshchat.peer.limit.Counters.Counter;
import meshchat.wire.LoopTicker;
import meshchat.wire.NetGroup;
import meshchat.wire.SourceKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How many incoming connections a peer takes on, per source address and in all, as token buckets
 * checked on the listening socket's I/O thread right after accept, before the connection is handed
 * to the room thread. Each connection taken costs the room thread its TLS handshake (a key share
 * and a signature, about 0.6 ms) and, in a private room, J-PAKE rounds on the pairing pool ({@link
 * PakeGate}, off the room thread since session 30), whatever the stranger spent on it (rev28 F12: a
 * replayed ClientHello costs it nothing). One over the budget is closed there and then (no TLS, no
 * Close frame: nothing of the room thread is spent on it), counted {@code handshake_rate_refused},
 * with a log line at most once a minute. Links already up are not touched: their path is the same
 * as before.
 *
 * <p>The shared bucket is shared fairly by network ({@link NetGroup}: a public IPv4 /16 or IPv6
 * /32, an unrouted address alone), not first come, first served (rev31 FINDING-1: bare connects
 * from 16 addresses, each inside its own bucket, kept the shared one empty, and every other
 * source's connections were closed at accept). Its lower half, {@link #RESERVE} tokens, is kept for
 * the networks that have taken fewer than their fair share this second ({@link #ALL_PER_SECOND}
 * divided by the networks that took any this second or the last); a network over its share takes
 * only from above the reserve. A flood from many networks then holds the bucket near the reserve
 * while a network asking for no more than its share is still taken. What the room thread is given
 * in all is unchanged: the one bucket bounds both halves.
 *
 * <p>Runs on the listening socket's one thread only (a server channel handler), so it needs no
 * lock.
 */
final class AcceptBudget extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(AcceptBudget.class);

  /** Connections one source address may open per second, after a burst of {@link #SOURCE_BURST}. */
  static final double SOURCE_PER_SECOND = 8;

  /**
   * As many as the links one address may hold at once (64, {@code maxLinksPerAddress}): a whole
   * NAT's worth of peers (or a test's loopback cluster) dialing at once is taken; its long-run cost
   * to the room thread is under 1 %.
   */
  static final double SOURCE_BURST = 64;

  /**
   * Connections taken per second from everyone together: at ~0.6 ms of the room thread each, at
   * most ~4 % of it in the long run, whatever the number of sources.
   */
  static final double ALL_PER_SECOND = 64;

  static final double ALL_BURST = 256;

  /** The shared tokens only networks under their fair share this second may take. */
  static final double RESERVE = ALL_BURST / 2;

  private static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** Sources remembered at once; past it (after forgetting the refilled ones) only the total. */
  static final int MAX_SOURCES = 4_096;

  private static final long LOG_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final LinkSetup setup;
  private final double sourceRate;
  private final double sourceBurst;
  private final Bucket all;
  private final Map<InetAddress, Bucket> sources = new HashMap<>();
  private final Map<String, Share> shares = new HashMap<>();
  private long window; // which second (of the loop's clock) the shares count
  private boolean windowSet;
  private int activeNow; // networks that took a connection this second
  private int activeBefore; // and in the second before
  private long refusedSinceLog;
  private long loggedAt;
  private boolean logged;

  AcceptBudget(LinkSetup setup) {
    this(setup, SOURCE_PER_SECOND, SOURCE_BURST, ALL_PER_SECOND, ALL_BURST);
  }

  AcceptBudget(
      LinkSetup setup, double sourceRate, double sourceBurst, double allRate, double allBurst) {
    this.setup = setup;
    this.sourceRate = sourceRate;
    this.sourceBurst = sourceBurst;
    this.all = new Bucket(allRate, allBurst);
  }

  /** A token bucket, full when made. */
  private static final class Bucket {
    final double rate;
    final double burst;
    double tokens;
    long at;
    boolean started;

    Bucket(double rate, double burst) {
      this.rate = rate;
      this.burst = burst;
      this.tokens = burst;
    }

    double refill(long now) {
      if (!started) {
        started = true;
        at = now;
      }
      tokens = Math.min(burst, tokens + Math.max(0, now - at) / 1e9 * rate);
      at = now;
      return tokens;
    }
  }

  /** What one network took of the shared bucket in the current second. */
  private static final class Share {
    long window;
    int taken;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof Channel child && !take(child, LoopTicker.nanoTime(ctx))) {
      refused(child, LoopTicker.nanoTime(ctx));
      // never registered with the room thread: closed here, on the accepting thread
      child.unsafe().closeForcibly();
      return;
    }
    ctx.fireChannelRead(msg);
  }

  private boolean take(Channel child, long now) {
    InetAddress from =
        child.remoteAddress() instanceof InetSocketAddress a
            ? SourceKey.of(a.getAddress()) // one IPv6 /64 is one source
            : null;
    Bucket source = from == null ? null : source(from, now);
    roll(now);
    Share share = from == null ? null : share(NetGroup.text(from.getHostAddress()));
    double tokens = all.refill(now);
    boolean underShare = share != null && taken(share) < fairShare();
    boolean ok =
        tokens >= 1
            && (tokens - 1 >= RESERVE || underShare)
            && (source == null || source.refill(now) >= 1);
    if (ok) {
      all.tokens--;
      if (source != null) {
        source.tokens--;
      }
      if (share != null) {
        if (share.window != window) {
          share.window = window;
          share.taken = 0;
          activeNow++;
        }
        share.taken++;
      }
    }
    return ok;
  }

  /** Starts a new second of shares when the clock has passed the current one. */
  private void roll(long now) {
    long w = Math.floorDiv(now, WINDOW_NANOS);
    if (!windowSet) {
      windowSet = true;
      window = w;
    } else if (w != window) {
      activeBefore = w == window + 1 ? activeNow : 0;
      activeNow = 0;
      window = w;
    }
  }

  private int taken(Share s) {
    return s.window == window ? s.taken : 0;
  }

  /** Connections a second one network may take from the reserve. */
  private double fairShare() {
    return all.rate / Math.max(1, Math.max(activeNow, activeBefore));
  }

  private Share share(String group) {
    Share s = shares.get(group);
    if (s != null) {
      return s;
    }
    if (shares.size() >= MAX_SOURCES) {
      // forget the networks that took nothing this second or the last
      shares.values().removeIf(x -> x.window < window - 1);
      if (shares.size() >= MAX_SOURCES) {
        return null; // only above the reserve
      }
    }
    s = new Share();
    s.window = Long.MIN_VALUE;
    shares.put(group, s);
    return s;
  }

  private Bucket source(InetAddress from, long now) {
    Bucket b = sources.get(from);
    if (b != null) {
      return b;
    }
    if (sources.size() >= MAX_SOURCES) {
      // forget the sources whose bucket is full again: they are as if never seen
      sources.values().removeIf(s -> s.refill(now) >= s.burst);
      if (sources.size() >= MAX_SOURCES) {
        return null; // only the total bounds this one
      }
    }
    b = new Bucket(sourceRate, sourceBurst);
    sources.put(from, b);
    return b;
  }

  private void refused(Channel child, long now) {
    setup.counters().increment(Counter.HANDSHAKE_RATE_REFUSED);
    refusedSinceLog++;
    if (!logged || now - loggedAt >= LOG_EVERY_NANOS) {
      log.info(
          "{} refused {} incoming connection(s) over the handshake rate ({}/s per address, {}/s in"
              + " all), the latest from {}",
          setup.tag(),
          refusedSinceLog,
          (long) sourceRate,
          (long) all.rate,
          child.remoteAddress() instanceof InetSocketAddress a
              ? a.getAddress().getHostAddress()
              : "?");
      logged = true;
      loggedAt = now;
      refusedSinceLog = 0;
    }
  }
}
