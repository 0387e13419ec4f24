package meshchat.tracker.client;

import com.google.protobuf.ByteString;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.time.InstantSource;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import meshchat.proto.v1.Error;
import meshchat.proto.v1.GetNonce;
import meshchat.proto.v1.Heartbeat;
import meshchat.proto.v1.Lookup;
import meshchat.proto.v1.LookupResult;
import meshchat.proto.v1.Nonce;
import meshchat.proto.v1.Register;
import meshchat.proto.v1.Registered;
import meshchat.proto.v1.TrackerFrame;
import meshchat.proto.v1.Unregister;
import meshchat.proto.v1.Unregistered;
import meshchat.wire.Framing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An asynchronous client of the tracker protocol over one session. Requests may be sent from any
 * thread and pipelined; each answer completes its future on the event loop thread. After the first
 * Registered it heartbeats at the interval the tracker announced. No retries: the caller (the
 * peer's discovery layer) decides when to reconnect.
 */
public final class TrackerClient implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TrackerClient.class);

  /**
   * The largest request this client sends: what a tracker takes by default ({@link
   * Framing#TRACKER_MAX_REQUEST_BYTES}, 8 KiB); a larger one would be refused FRAME_TOO_LARGE and
   * the session closed, so it is not sent: its request fails, counted and logged.
   */
  public static final int MAX_REQUEST_BYTES = Framing.TRACKER_MAX_REQUEST_BYTES;

  private final Channel channel;
  private final Map<Long, CompletableFuture<TrackerFrame>> pending = new ConcurrentHashMap<>();
  private final AtomicLong nextRequest = new AtomicLong(1);
  private final TrackerListener listener;
  private final InstantSource clock; // stamps key-proven registrations
  private final AtomicLong notSent; // frames over MAX_REQUEST_BYTES, not sent
  private ScheduledFuture<?> heartbeats; // event loop only
  private volatile long heartbeatMs; // the interval heartbeats go at; 0 before and without them
  private CompletableFuture<Nonce> nonce; // guarded by this

  private TrackerClient(
      Channel channel, TrackerListener listener, InstantSource clock, AtomicLong notSent) {
    this.channel = channel;
    this.notSent = notSent;
    this.listener = listener;
    this.clock = clock;
  }

  public static CompletableFuture<TrackerClient> connect(
      InetSocketAddress tracker, EventLoopGroup group, TrackerListener listener) {
    return connect(tracker, group, listener, Framing.DEFAULT_MAX_FRAME_BYTES);
  }

  /**
   * As above, reading frames of up to {@code maxFrame} bytes (at least {@link
   * Framing#TRACKER_MAX_ANSWER_BYTES} to read every answer a tracker may send).
   */
  public static CompletableFuture<TrackerClient> connect(
      InetSocketAddress tracker, EventLoopGroup group, TrackerListener listener, int maxFrame) {
    return connect(tracker, group, listener, maxFrame, InstantSource.system());
  }

  /** As above, stamping registrations with {@code clock} (the caller's injected wall clock). */
  public static CompletableFuture<TrackerClient> connect(
      InetSocketAddress tracker,
      EventLoopGroup group,
      TrackerListener listener,
      int maxFrame,
      InstantSource clock) {
    CompletableFuture<TrackerClient> result = new CompletableFuture<>();
    AtomicLong notSent = new AtomicLong();
    Bootstrap b =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000)
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    // outbound: requests sent while reading answers leave in one write
                    ch.pipeline().addLast("flush-consolidation", new FlushConsolidationHandler());
                    // both ways: varint32-length-prefixed TrackerFrames; in, answers of up to
                    // maxFrame (1 MiB by default, over the tracker's 64 KiB answer bound); out,
                    // requests of up to the tracker's 8 KiB bound, a larger one counted, logged
                    Framing.addTo(
                        ch.pipeline(),
                        TrackerFrame.getDefaultInstance(),
                        maxFrame,
                        MAX_REQUEST_BYTES,
                        (ctx, frame, bytes) ->
                            TrackerClient.notSent(
                                frame instanceof TrackerFrame f
                                    ? f.getBodyCase()
                                    : TrackerFrame.BodyCase.BODY_NOT_SET,
                                bytes,
                                notSent));
                  }
                });
    b.connect(tracker)
        .addListener(
            f -> {
              if (!f.isSuccess()) {
                result.completeExceptionally(f.cause());
                return;
              }
              Channel ch = ((ChannelFuture) f).channel();
              TrackerClient client = new TrackerClient(ch, listener, clock, notSent);
              // "dispatch": answers to their futures, pushes to the listener
              ch.pipeline().addLast("dispatch", client.new Dispatch());
              result.complete(client);
            });
    return result;
  }

  /** Registers without a key proof: only a tracker started without requireKeyProof accepts it. */
  public CompletableFuture<Registered> register(
      String room, byte[] peerId, String nick, String host, int port) {
    return register(room, peerId, nick, host, port, null);
  }

  /**
   * Registers {@code peerId}, proving with {@code key} (whose fingerprint it must be) that this
   * session owns it; null sends no proof.
   */
  public CompletableFuture<Registered> register(
      String room, byte[] peerId, String nick, String host, int port, RegistrationKey key) {
    if (key == null) {
      return sendRegister(Register.newBuilder(), room, peerId, nick, host, port);
    }
    return nonce()
        .thenCompose(
            n -> {
              long now = clock.millis();
              byte[] signed =
                  RegistrationKey.transcript(
                      n.getNonce().toByteArray(),
                      n.getObservedHost(),
                      room,
                      peerId,
                      nick,
                      host,
                      port,
                      now);
              Register.Builder r =
                  Register.newBuilder()
                      .setPublicKey(ByteString.copyFrom(key.publicKey()))
                      .setTimestampMs(now)
                      .setSignature(ByteString.copyFrom(key.sign().apply(signed)));
              return sendRegister(r, room, peerId, nick, host, port);
            });
  }

  private CompletableFuture<Registered> sendRegister(
      Register.Builder r, String room, byte[] peerId, String nick, String host, int port) {
    return request(
            id ->
                TrackerFrame.newBuilder()
                    .setRegister(
                        r.setRequestId(id)
                            .setProtocolVersion(Framing.TRACKER_PROTOCOL_VERSION)
                            .setRoom(room)
                            .setPeerId(ByteString.copyFrom(peerId))
                            .setNick(nick)
                            .setHost(host)
                            .setPort(port)))
        .thenApply(TrackerFrame::getRegistered);
  }

  /**
   * This session's nonce, asked for once: a proven Register signs it (with the address the tracker
   * sees us from), so the registration is worthless on any other session.
   */
  public synchronized CompletableFuture<Nonce> nonce() {
    if (nonce == null) {
      nonce =
          request(
                  id ->
                      TrackerFrame.newBuilder()
                          .setGetNonce(
                              GetNonce.newBuilder()
                                  .setRequestId(id)
                                  .setProtocolVersion(Framing.TRACKER_PROTOCOL_VERSION)))
              .thenApply(TrackerFrame::getNonce);
    }
    return nonce;
  }

  public CompletableFuture<LookupResult> lookup(String room) {
    return request(
            id ->
                TrackerFrame.newBuilder()
                    .setLookup(
                        Lookup.newBuilder()
                            .setRequestId(id)
                            .setProtocolVersion(Framing.TRACKER_PROTOCOL_VERSION)
                            .setRoom(room)))
        .thenApply(TrackerFrame::getLookupResult);
  }

  public CompletableFuture<Unregistered> unregister(String room) {
    return request(
            id ->
                TrackerFrame.newBuilder()
                    .setUnregister(Unregister.newBuilder().setRequestId(id).setRoom(room)))
        .thenApply(TrackerFrame::getUnregistered);
  }

  public boolean isOpen() {
    return channel.isActive();
  }

  public InetSocketAddress localAddress() {
    return (InetSocketAddress) channel.localAddress();
  }

  /** Closes the session; the tracker then drops every registration of it at once. */
  @Override
  public void close() {
    channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
  }

  /** Sends the request {@code frame} builds for the next request id; completes with its answer. */
  private CompletableFuture<TrackerFrame> request(LongFunction<TrackerFrame.Builder> frame) {
    long id = nextRequest.getAndIncrement();
    return send(id, frame.apply(id).build());
  }

  private CompletableFuture<TrackerFrame> send(long id, TrackerFrame frame) {
    CompletableFuture<TrackerFrame> answer = new CompletableFuture<>();
    int size = frame.getSerializedSize();
    if (size > MAX_REQUEST_BYTES) {
      answer.completeExceptionally(
          new TrackerException(
              Error.Code.FRAME_TOO_LARGE, notSent(frame.getBodyCase(), size, notSent)));
      return answer;
    }
    pending.put(id, answer);
    channel
        .writeAndFlush(frame)
        .addListener(
            f -> {
              if (!f.isSuccess()) {
                pending.remove(id);
                answer.completeExceptionally(f.cause());
              }
            });
    return answer;
  }

  /**
   * Frames this session did not send because they were over {@link #MAX_REQUEST_BYTES} (none,
   * unless a caller passed fields a tracker would refuse anyway): each failed its request with
   * FRAME_TOO_LARGE and logged one line.
   */
  public long framesNotSent() {
    return notSent.get();
  }

  /** Counts and logs (one line) a request of {@code bytes} not sent; returns the line's reason. */
  private static String notSent(TrackerFrame.BodyCase type, int bytes, AtomicLong count) {
    count.incrementAndGet();
    String why =
        "a "
            + type.name().toLowerCase(Locale.ROOT)
            + " of "
            + bytes
            + " bytes not sent to the tracker: over its "
            + MAX_REQUEST_BYTES
            + "-byte bound";
    log.warn("{}", why);
    return why;
  }

  /**
   * The shortest heartbeat interval obeyed, whatever a Registered says: a tracker (or whoever
   * rewrites its plain-TCP session) that said 1 ms had the peer write a thousand heartbeats a
   * second (rev38 FINDING-5). An honest tracker says seconds.
   */
  public static final long MIN_HEARTBEAT_MS = 100;

  /** The interval heartbeats go at, in ms; 0 before a Registered or if it said 0 (none). */
  long heartbeatIntervalMs() {
    return heartbeatMs;
  }

  /**
   * {@code announced}: the Registered's {@code heartbeat_interval_ms}, a uint32 (read unsigned: at
   * most about 49 days, which only lets our own registration expire); 0 sends none.
   */
  private void startHeartbeats(int announced) {
    long announcedMs = Integer.toUnsignedLong(announced);
    if (heartbeats == null && announcedMs > 0) {
      long intervalMs = Math.max(MIN_HEARTBEAT_MS, announcedMs);
      heartbeatMs = intervalMs;
      AtomicLong nonce = new AtomicLong();
      heartbeats =
          channel
              .eventLoop()
              .scheduleAtFixedRate(
                  () -> {
                    // a tracker that stops reading gets no pile of heartbeats in our outbound
                    // buffer: one is skipped while the last ones are still unsent
                    if (channel.isWritable()) {
                      channel.writeAndFlush(
                          TrackerFrame.newBuilder()
                              .setHeartbeat(
                                  Heartbeat.newBuilder().setNonce(nonce.incrementAndGet()))
                              .build(),
                          channel.voidPromise());
                    }
                  },
                  intervalMs,
                  intervalMs,
                  TimeUnit.MILLISECONDS);
    }
  }

  private final class Dispatch extends SimpleChannelInboundHandler<TrackerFrame> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, TrackerFrame frame) {
      switch (frame.getBodyCase()) {
        case REGISTERED -> {
          startHeartbeats(frame.getRegistered().getHeartbeatIntervalMs());
          answer(frame.getRegistered().getRequestId(), frame);
        }
        case UNREGISTERED -> answer(frame.getUnregistered().getRequestId(), frame);
        case LOOKUP_RESULT -> answer(frame.getLookupResult().getRequestId(), frame);
        case NONCE -> answer(frame.getNonce().getRequestId(), frame);
        case MEMBER_JOINED -> listener.memberJoined(frame.getMemberJoined());
        case MEMBER_LEFT -> listener.memberLeft(frame.getMemberLeft());
        case ERROR -> error(frame.getError());
        case HEARTBEAT_ACK -> {}
        case REGISTER, UNREGISTER, LOOKUP, HEARTBEAT, GET_NONCE, BODY_NOT_SET -> ctx.close();
      }
    }

    private void answer(long requestId, TrackerFrame frame) {
      CompletableFuture<TrackerFrame> f = pending.remove(requestId);
      if (f != null) {
        f.complete(frame);
      }
    }

    private void error(Error e) {
      CompletableFuture<TrackerFrame> f =
          e.getRequestId() == 0 ? null : pending.remove(e.getRequestId());
      if (f != null) {
        f.completeExceptionally(new TrackerException(e.getCode(), e.getMessage()));
      } else {
        listener.error(e);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (heartbeats != null) {
        heartbeats.cancel(false);
      }
      TrackerException gone =
          new TrackerException(Error.Code.CODE_UNSPECIFIED, "tracker session closed");
      pending.values().forEach(f -> f.completeExceptionally(gone));
      pending.clear();
      listener.closed();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
