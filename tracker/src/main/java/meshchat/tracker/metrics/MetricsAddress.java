package meshchat.tracker.metrics;

import java.net.InetSocketAddress;

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
    String v = value.trim();
    int colon = v.lastIndexOf(':');
    String host = colon < 0 ? DEFAULT_HOST : v.substring(0, colon);
    String portText = colon < 0 ? v : v.substring(colon + 1);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":")) {
      throw new IllegalArgumentException("'" + value + "' is not HOST:PORT (write [v6]:PORT)");
    }
    if (host.isEmpty() || host.contains(" ")) {
      throw new IllegalArgumentException("'" + value + "' is not HOST:PORT");
    }
    int port;
    try {
      port = Integer.parseInt(portText);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + value + "' has no numeric port");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " in '" + value + "' is not 0..65535");
    }
    return InetSocketAddress.createUnresolved(host, port);
  }
}
