package meshchat.tracker.pipeline;

import com.google.protobuf.ByteString;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import meshchat.peer.message.PeerId;
import meshchat.proto.v1.Error.Code;
import meshchat.proto.v1.GetNonce;
import meshchat.proto.v1.Lookup;
import meshchat.proto.v1.Nonce;
import meshchat.proto.v1.Register;
import meshchat.proto.v1.TrackerFrame;
import meshchat.proto.v1.Unregister;
import meshchat.proto.v1.Unregistered;
import meshchat.tracker.directory.Change;
import meshchat.tracker.directory.Directory;
import meshchat.tracker.directory.Member;
import meshchat.tracker.directory.PrefixShares;
import meshchat.tracker.directory.RegisterOutcome;
import meshchat.tracker.directory.RoomEvent;
import meshchat.tracker.directory.SessionId;
import meshchat.wire.SourceKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The directory plus the table of live sessions, owned by the tracker's one directory thread: every
 * method runs there, so neither needs a lock. Requests come in as frames and answers go out as
 * frames; pushes are routed to the sessions the directory names.
 */
public final class TrackerHub {
  /** Joins, leaves and expiries; a benchmark may raise this logger's level to silence them. */
  public static final String MEMBERSHIP_LOGGER = "meshchat.tracker.membership";

  private static final Logger membership = LoggerFactory.getLogger(MEMBERSHIP_LOGGER);

  private final Directory directory;
  private final long heartbeatMs;
  private final long ttlMs;
  private final KeyProof keyProof;
  private final Map<SessionId, Channel> channels = new HashMap<>();
  // the open sessions by network (IPv6 /48, IPv4 /24): who makes room when the tracker is full
  private final PrefixShares<SessionId> sessionShares = new PrefixShares<>();
  private final SecureRandom random = new SecureRandom();
  private final Map<InetAddress, Integer> perAddress = new HashMap<>();
  private final Map<InetAddress, LookupBucket> lookupsPerAddress = new HashMap<>();
  private final int maxSessions;
  private final int maxSessionsPerAddress;
  private final TrackerCounters counters = new TrackerCounters();
  private long nextSession = 1;

  /** A hub that accepts registrations without a key proof: for tests and fuzzing. */
  public TrackerHub(Directory directory, long heartbeatMs, long ttlMs) {
    this(directory, heartbeatMs, ttlMs, Integer.MAX_VALUE);
  }

  /** As above, with a bound on sessions per source address; no key proof required. */
  public TrackerHub(Directory directory, long heartbeatMs, long ttlMs, int maxSessionsPerAddress) {
    this(
        directory,
        heartbeatMs,
        ttlMs,
        Integer.MAX_VALUE,
        maxSessionsPerAddress,
        false,
        Clock.systemUTC());
  }

  /**
   * @param maxSessions most sessions open at once, from every address together
   * @param requireKeyProof refuse a Register that does not prove its peer id's key
   * @param clock judges a Register's timestamp
   */
  public TrackerHub(
      Directory directory,
      long heartbeatMs,
      long ttlMs,
      int maxSessions,
      int maxSessionsPerAddress,
      boolean requireKeyProof,
      Clock clock) {
    this.keyProof = new KeyProof(requireKeyProof, clock);
    this.directory = directory;
    this.heartbeatMs = heartbeatMs;
    this.ttlMs = ttlMs;
    this.maxSessions = maxSessions;
    this.maxSessionsPerAddress = maxSessionsPerAddress;
  }

  public TrackerCounters counters() {
    return counters;
  }

  KeyProof keyProof() {
    return keyProof;
  }

  public Directory directory() {
    return directory;
  }

  /**
   * Opens a session; null if its source address, or the tracker in all, holds too many already
   * ({@link #whyRefused} says which). A full tracker makes room for a session from a network
   * ({@link PrefixShares#group}: an IPv6 /48, an IPv4 /24) holding at least two sessions fewer than
   * the most represented one: that network's youngest session is closed with a fatal ADDRESS_LIMIT
   * ({@link #EVICTED}), its registrations leaving their rooms as for any closed session. So one
   * network holding every session (rev30 FINDING-9) does not lock anyone else out.
   */
  SessionId open(Channel channel) {
    InetSocketAddress remote = channel.remoteAddress() instanceof InetSocketAddress a ? a : null;
    InetAddress from = remote == null ? null : SourceKey.of(remote.getAddress());
    if (from != null && perAddress.getOrDefault(from, 0) >= maxSessionsPerAddress) {
      return null;
    }
    String group = remote == null ? null : PrefixShares.group(remote.getAddress().getHostAddress());
    if (channels.size() >= maxSessions) {
      SessionId victim = group == null ? null : sessionShares.victimFor(group);
      if (victim == null) {
        return null;
      }
      evict(victim);
    }
    if (from != null) {
      perAddress.merge(from, 1, Integer::sum);
    }
    SessionId id = new SessionId(nextSession++);
    channels.put(id, channel);
    if (group != null) {
      sessionShares.add(id, group);
    }
    return id;
  }

  /** The fatal ADDRESS_LIMIT message of a session closed to make room for another network's. */
  public static final String EVICTED =
      "dropped to make room for a session from another network: the tracker holds its maximum of"
          + " sessions";

  /** Closes {@code session} for a newcomer: its rooms are told now, it is told why, then closed. */
  private void evict(SessionId session) {
    Channel ch = channels.get(session);
    close(session); // idempotent: the channel's own close calls it again
    counters.error(Code.ADDRESS_LIMIT);
    ch.writeAndFlush(Frames.error(0, Code.ADDRESS_LIMIT, EVICTED + " (" + maxSessions + ")", true))
        .addListener(ChannelFutureListener.CLOSE);
  }

  /** Why {@link #open} just refused a session: one line for its fatal ADDRESS_LIMIT error. */
  String whyRefused() {
    return channels.size() >= maxSessions
        ? "too many sessions at this tracker (limit " + maxSessions + ")"
        : "too many sessions from this address (limit " + maxSessionsPerAddress + ")";
  }

  /**
   * Lookups one source address may make per second, all its sessions together, with bursts of twice
   * that: the per-session rate alone let one host multiply its lookups by its sessions.
   */
  public static final int LOOKUPS_PER_ADDRESS_PER_SECOND = 40;

  private static final class LookupBucket {
    double tokens = 2.0 * LOOKUPS_PER_ADDRESS_PER_SECOND;
    long at;
  }

  /** Spends one lookup of {@code session}'s source address; false if it has none left now. */
  boolean mayLookup(SessionId session, long nowNanos) {
    Channel ch = channels.get(session);
    InetAddress from = ch == null ? null : address(ch);
    if (from == null) {
      return true;
    }
    LookupBucket b = lookupsPerAddress.get(from);
    if (b == null) {
      b = new LookupBucket();
      b.at = nowNanos;
      lookupsPerAddress.put(from, b);
    }
    double refill = Math.max(0, nowNanos - b.at) / 1e9 * LOOKUPS_PER_ADDRESS_PER_SECOND;
    b.tokens = Math.min(2.0 * LOOKUPS_PER_ADDRESS_PER_SECOND, b.tokens + refill);
    b.at = nowNanos;
    if (b.tokens < 1) {
      return false;
    }
    b.tokens--;
    return true;
  }

  /** What the per-address bounds count the channel's session against: its {@link SourceKey}. */
  private static InetAddress address(Channel channel) {
    return channel.remoteAddress() instanceof InetSocketAddress a
        ? SourceKey.of(a.getAddress())
        : null;
  }

  void close(SessionId session) {
    Channel ch = channels.remove(session);
    sessionShares.remove(session);
    InetAddress from = ch == null ? null : address(ch);
    if (from != null) {
      perAddress.computeIfPresent(from, (k, v) -> v == 1 ? null : v - 1);
      if (!perAddress.containsKey(from)) {
        lookupsPerAddress.remove(from); // bounded by the addresses with a session open
      }
    }
    for (Change c : directory.removeSession(session)) {
      route(c);
    }
  }

  /** Every open session's channel, for shutdown. */
  public List<Channel> channels() {
    return List.copyOf(channels.values());
  }

  /**
   * Answers a Register whose key proof the session's {@link DirectoryGate} checked on its I/O
   * thread (so that this thread never verifies a signature): Registered, or a (possibly fatal)
   * Error.
   */
  TrackerFrame register(
      SessionId session, DirectoryGate.ProvenRegister proven, InetSocketAddress source) {
    Register r = proven.register();
    if (proven.refusal() != null && proven.refusal().getError().getFatal()) {
      return proven.refusal(); // the gate reads nothing more of this session: it must close
    }
    String bad = Frames.checkRoom(r.getRoom());
    if (bad == null) {
      bad = Frames.checkRegistration(r.getNick(), r.getPeerId(), r.getHost(), r.getPort());
    }
    if (bad != null) {
      return Frames.error(r.getRequestId(), Code.INVALID_ARGUMENT, bad, false);
    }
    if (proven.refusal() != null) {
      // one line for a session's first refused proof; the rest are counted (RATE_LIMITED and a
      // fatal refusal get the session's own closing line)
      if (proven.firstRefusal()) {
        membership.info(
            "refused a registration in {}: {}",
            r.getRoom(),
            proven.refusal().getError().getMessage());
      }
      return proven.refusal();
    }
    byte[] nonce = proven.nonce();
    Member member =
        new Member(
            PeerId.of(r.getPeerId().toByteArray()),
            r.getNick(),
            resolveHost(r.getHost(), source),
            r.getPort(),
            r.getPublicKey().isEmpty() || nonce == null
                ? null // no key proof: only a tracker started for tests takes it
                : new Member.Statement(
                    r.getPublicKey().toByteArray(),
                    r.getSignature().toByteArray(),
                    r.getTimestampMs(),
                    nonce,
                    observedHost(source),
                    r.getHost()));
    RegisterOutcome outcome =
        directory.register(
            session,
            r.getRoom(),
            member,
            source == null ? null : source.getAddress().getHostAddress());
    if (outcome instanceof RegisterOutcome.Refused refused) {
      counters.refused(refused.reason());
      return refusal(r.getRequestId(), refused);
    }
    RegisterOutcome.Accepted ok = (RegisterOutcome.Accepted) outcome;
    ok.evicted().forEach(this::route);
    ok.change().ifPresent(this::route);
    return Frames.registered(
        r.getRequestId(), r.getRoom(), ok.you(), ok.others(), heartbeatMs, ttlMs);
  }

  /**
   * Answers GetNonce: this session's nonce (made once, by its {@link DirectoryGate} as the GetNonce
   * passed it) and the address we see it from.
   */
  TrackerFrame nonce(SessionId session, GetNonce g) {
    Channel ch = channels.get(session);
    byte[] nonce = ch == null ? null : ch.attr(DirectoryGate.NONCE).get();
    if (nonce == null) {
      byte[] b = new byte[32];
      random.nextBytes(b);
      nonce =
          ch == null
              ? b
              : Objects.requireNonNullElse(ch.attr(DirectoryGate.NONCE).setIfAbsent(b), b);
    }
    InetSocketAddress source =
        ch != null && ch.remoteAddress() instanceof InetSocketAddress a ? a : null;
    return TrackerFrame.newBuilder()
        .setNonce(
            Nonce.newBuilder()
                .setRequestId(g.getRequestId())
                .setNonce(ByteString.copyFrom(nonce))
                .setObservedHost(observedHost(source)))
        .build();
  }

  /** The source host as a Register signature names it: the address only, no port. */
  static String observedHost(InetSocketAddress source) {
    return source == null ? "" : source.getAddress().getHostAddress();
  }

  TrackerFrame unregister(SessionId session, Unregister u) {
    Optional<Change> left = directory.unregister(session, u.getRoom());
    if (left.isEmpty()) {
      return Frames.error(
          u.getRequestId(), Code.NOT_REGISTERED, "not registered in " + u.getRoom(), false);
    }
    route(left.get());
    return TrackerFrame.newBuilder()
        .setUnregistered(
            Unregistered.newBuilder().setRequestId(u.getRequestId()).setRoom(u.getRoom()))
        .build();
  }

  TrackerFrame lookup(Lookup l) {
    String bad = Frames.checkRoom(l.getRoom());
    if (bad != null) {
      return Frames.error(l.getRequestId(), Code.INVALID_ARGUMENT, bad, false);
    }
    return Frames.lookupResult(l.getRequestId(), l.getRoom(), directory.lookup(l.getRoom()));
  }

  void heartbeat(SessionId session) {
    directory.heartbeat(session);
  }

  /** Runs on the expiry schedule. */
  public void expire() {
    for (Change c : directory.expire()) {
      route(c);
    }
  }

  private static TrackerFrame refusal(long requestId, RegisterOutcome.Refused refused) {
    return switch (refused.reason()) {
      // another live session holds the id: treated as bad input, so the session is closed
      case PEER_ID_IN_USE -> Frames.error(requestId, Code.PEER_ID_IN_USE, refused.message(), true);
      case ALREADY_REGISTERED ->
          Frames.error(requestId, Code.INVALID_ARGUMENT, refused.message(), false);
      case ROOM_LIMIT -> Frames.error(requestId, Code.ROOM_LIMIT, refused.message(), false);
      case ROOM_FULL -> Frames.error(requestId, Code.ROOM_FULL, refused.message(), false);
      case SESSION_LIMIT, KEY_LIMIT ->
          Frames.error(requestId, Code.SESSION_LIMIT, refused.message(), false);
      case ADDRESS_LIMIT -> Frames.error(requestId, Code.ADDRESS_LIMIT, refused.message(), false);
    };
  }

  private void route(Change change) {
    logChange(change.event());
    if (change.recipients().isEmpty()) {
      return;
    }
    TrackerFrame push = Frames.push(change.event());
    for (SessionId s : change.recipients()) {
      Channel ch = channels.get(s);
      if (ch != null) {
        ch.writeAndFlush(push, ch.voidPromise());
      }
    }
  }

  private static void logChange(RoomEvent event) {
    if (!membership.isInfoEnabled()) {
      return;
    }
    Member m = event.member();
    if (event instanceof RoomEvent.Joined) {
      membership.info(
          "room={} peer={} joined as {} at {}:{}",
          event.room(),
          m.peerId().shortHex(),
          m.nick(),
          m.host(),
          m.port());
    } else if (((RoomEvent.Left) event).reason() == RoomEvent.LeaveReason.EXPIRED) {
      membership.info("room={} peer={} expired: no heartbeat", event.room(), m.peerId().shortHex());
    } else {
      membership.info(
          "room={} peer={} left ({})",
          event.room(),
          m.peerId().shortHex(),
          ((RoomEvent.Left) event).reason().name().toLowerCase(Locale.ROOT));
    }
  }

  /** A peer that advertises no host, 0.0.0.0 or :: is recorded at the address we see it from. */
  static String resolveHost(String advertised, InetSocketAddress source) {
    boolean wildcard =
        advertised.isEmpty()
            || advertised.equals("0.0.0.0")
            || advertised.equals("::")
            || advertised.equals("[::]");
    if (!wildcard || source == null) {
      return advertised;
    }
    return source.getAddress().getHostAddress();
  }
}
