package meshchat.tracker.metrics;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.ScheduledFuture;
import io.prometheus.metrics.exporter.common.PrometheusHttpExchange;
import io.prometheus.metrics.exporter.common.PrometheusHttpRequest;
import io.prometheus.metrics.exporter.common.PrometheusHttpResponse;
import io.prometheus.metrics.exporter.common.PrometheusScrapeHandler;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.Enumeration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code /metrics} in the Prometheus text format: this process's collector plus the JVM metrics of
 * the Prometheus client (memory, GC, threads, ...). A registry of its own, not the client's global
 * one, so that several peers in one JVM (tests, the testkit) each serve only their own numbers.
 *
 * <p>Served by a small Netty pipeline, not the Prometheus client's {@code HTTPServer}: that one
 * runs on the JDK's httpserver, where reading a request holds one of its 10 worker threads for as
 * long as the client takes, so a dozen connections that never finish their request stopped every
 * scrape (rev28 F4). Here a connection holds no thread: its request must be complete within {@link
 * #REQUEST_TIMEOUT} and at most {@link #MAX_REQUEST_BYTES} long, one request is answered per
 * connection, each connection is closed after {@link #CONNECTION_LIFETIME} at most, and at most
 * {@link #MAX_CONNECTIONS} are open at once. Scrapes run one at a time on a thread of their own (a
 * peer's collector waits for its room thread).
 */
public final class MetricsServer implements AutoCloseable {
  /** A connection that has not sent its whole request this long after it opened is closed. */
  public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

  /**
   * A connection is closed this long after it opened whatever it is doing: a scrape's answer that
   * its client does not read does not hold a connection slot for longer.
   */
  public static final Duration CONNECTION_LIFETIME = Duration.ofSeconds(30);

  /** The largest request (line, headers and body) read; a longer one is refused. */
  public static final int MAX_REQUEST_BYTES = 8 * 1024;

  /** Connections open at once; one more is closed as soon as it is accepted. */
  public static final int MAX_CONNECTIONS = 64;

  private final EventLoopGroup loop;
  private final EventExecutorGroup scrapes;
  private final Channel server;

  private MetricsServer(EventLoopGroup loop, EventExecutorGroup scrapes, Channel server) {
    this.loop = loop;
    this.scrapes = scrapes;
    this.server = server;
  }

  /**
   * Binds {@code address} (port 0: any free port) and serves until {@link #close}.
   *
   * @throws IOException with a one-line message if the address cannot be bound
   */
  public static MetricsServer start(InetSocketAddress address, MultiCollector collector)
      throws IOException {
    PrometheusRegistry registry = new PrometheusRegistry();
    registry.register(collector);
    JvmMetrics.builder().register(registry);
    PrometheusScrapeHandler handler = new PrometheusScrapeHandler(registry);
    EventLoopGroup loop =
        new MultiThreadIoEventLoopGroup(
            1, new DefaultThreadFactory("metrics-io", true), NioIoHandler.newFactory());
    EventExecutorGroup scrapes =
        new DefaultEventExecutorGroup(1, new DefaultThreadFactory("metrics-scrape", true));
    AtomicInteger open = new AtomicInteger();
    ServerBootstrap b =
        new ServerBootstrap()
            .group(loop)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  @SuppressWarnings("deprecation") // addLast(group, ...): the scrape's own thread
                  protected void initChannel(SocketChannel ch) {
                    if (open.incrementAndGet() > MAX_CONNECTIONS) {
                      open.decrementAndGet();
                      ch.close();
                      return;
                    }
                    ch.closeFuture().addListener(f -> open.decrementAndGet());
                    ScheduledFuture<?> deadline =
                        ch.eventLoop()
                            .schedule(
                                (Runnable) ch::close,
                                REQUEST_TIMEOUT.toMillis(),
                                TimeUnit.MILLISECONDS);
                    ScheduledFuture<?> lifetime =
                        ch.eventLoop()
                            .schedule(
                                (Runnable) ch::close,
                                CONNECTION_LIFETIME.toMillis(),
                                TimeUnit.MILLISECONDS);
                    ch.closeFuture()
                        .addListener(
                            f -> {
                              deadline.cancel(false);
                              lifetime.cancel(false);
                            });
                    ch.pipeline()
                        .addLast("http", new HttpServerCodec(4096, MAX_REQUEST_BYTES, 8192))
                        .addLast("aggregate", new HttpObjectAggregator(MAX_REQUEST_BYTES))
                        .addLast(scrapes, "scrape", new ScrapeHandler(handler, deadline));
                  }
                });
    String host = address.getHostString();
    try {
      ChannelFuture bind =
          b.bind(new InetSocketAddress(host, address.getPort())).awaitUninterruptibly();
      if (!bind.isSuccess()) {
        Throwable cause = bind.cause();
        throw new IOException(
            cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage());
      }
      return new MetricsServer(loop, scrapes, bind.channel());
    } catch (IOException | RuntimeException e) {
      loop.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
      scrapes.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
      throw new IOException(
          "cannot serve metrics on " + host + ":" + address.getPort() + ": " + e.getMessage(), e);
    }
  }

  public int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  @Override
  public void close() {
    server.close().awaitUninterruptibly();
    loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    scrapes.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
  }

  /** Answers one request, then closes the connection. */
  private static final class ScrapeHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final PrometheusScrapeHandler handler;
    private final ScheduledFuture<?> deadline;

    ScrapeHandler(PrometheusScrapeHandler handler, ScheduledFuture<?> deadline) {
      this.handler = handler;
      this.deadline = deadline;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      deadline.cancel(false);
      FullHttpResponse response;
      QueryStringDecoder uri = new QueryStringDecoder(request.uri());
      if (!request.decoderResult().isSuccess()) {
        response = plain(HttpResponseStatus.BAD_REQUEST, "bad request\n");
      } else if (!uri.path().equals("/metrics") && !uri.path().equals("/")) {
        response = plain(HttpResponseStatus.NOT_FOUND, "not found: try /metrics\n");
      } else {
        Exchange exchange = new Exchange(request, uri);
        try {
          handler.handleRequest(exchange);
          response = exchange.response();
        } catch (IOException | RuntimeException e) {
          exchange.body.buffer().release();
          response = plain(HttpResponseStatus.INTERNAL_SERVER_ERROR, "scrape failed: " + e + "\n");
        }
      }
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      HttpUtil.setContentLength(response, response.content().readableBytes());
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close(); // a reset, or a request over the size limit: nothing to say to it
    }

    private static FullHttpResponse plain(HttpResponseStatus status, String text) {
      FullHttpResponse r =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1, status, Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
      r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
      return r;
    }
  }

  /** One request as the Prometheus scrape handler reads it, and the answer it writes. */
  private static final class Exchange
      implements PrometheusHttpExchange, PrometheusHttpRequest, PrometheusHttpResponse {
    private final FullHttpRequest request;
    private final QueryStringDecoder uri;
    private final ByteBufOutputStream body = new ByteBufOutputStream(Unpooled.buffer());
    private final HttpHeaders headers = new DefaultHttpHeaders();
    private int status = 200;

    Exchange(FullHttpRequest request, QueryStringDecoder uri) {
      this.request = request;
      this.uri = uri;
    }

    FullHttpResponse response() {
      FullHttpResponse r =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), body.buffer());
      r.headers().set(headers);
      return r;
    }

    @Override
    public PrometheusHttpRequest getRequest() {
      return this;
    }

    @Override
    public PrometheusHttpResponse getResponse() {
      return this;
    }

    @Override
    public void handleException(IOException e) throws IOException {
      throw e;
    }

    @Override
    public void handleException(RuntimeException e) {
      throw e;
    }

    @Override
    public void close() {}

    @Override
    public String getQueryString() {
      String u = request.uri();
      int q = u.indexOf('?');
      return q < 0 ? null : u.substring(q + 1);
    }

    @Override
    public Enumeration<String> getHeaders(String name) {
      return Collections.enumeration(request.headers().getAll(name));
    }

    @Override
    public String getMethod() {
      return request.method().name();
    }

    @Override
    public String getRequestPath() {
      return uri.path();
    }

    @Override
    public void setHeader(String name, String value) {
      headers.set(name, value);
    }

    @Override
    public OutputStream sendHeadersAndGetBody(int statusCode, int contentLength) {
      status = statusCode;
      return body;
    }
  }
}
