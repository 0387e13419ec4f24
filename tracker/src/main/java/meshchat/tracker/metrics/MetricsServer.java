package meshchat.tracker.metrics;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * {@code /metrics} in the Prometheus text format: this process's collector plus the JVM metrics of
 * the Prometheus client (memory, GC, threads, ...). A registry of its own, not the client's global
 * one, so that several peers in one JVM (tests, the testkit) each serve only their own numbers.
 */
public final class MetricsServer implements AutoCloseable {
  private final HTTPServer http;

  private MetricsServer(HTTPServer http) {
    this.http = http;
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
    try {
      return new MetricsServer(
          HTTPServer.builder()
              .hostname(address.getHostString())
              .port(address.getPort())
              .registry(registry)
              .buildAndStart());
    } catch (IOException | RuntimeException e) {
      throw new IOException(
          "cannot serve metrics on "
              + address.getHostString()
              + ":"
              + address.getPort()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  public int port() {
    return http.getPort();
  }

  @Override
  public void close() {
    http.close();
  }
}
