package meshchat.tracker.metrics;

import java.net.InetSocketAddress;
import meshchat.tracker.net.HostPorts;

/**
 * Where {@code /metrics} listens: {@code HOST:PORT}, {@code [v6]:PORT} or a bare {@code PORT},
 * which means 127.0.0.1 (metrics say a lot about a peer; exposing them is a choice the operator
 * makes by naming an address).
 */
public final class MetricsAddress {
  public static final String DEFAULT_HOST = "127.0.0.1";

  private MetricsAddress() {}

  /**
   * Parses without resolving the host.
   *
   * @throws IllegalArgumentException with a one-line message for the user
   */
  public static InetSocketAddress parse(String value) {
    return HostPorts.parse(value, DEFAULT_HOST, 0);
  }
}
