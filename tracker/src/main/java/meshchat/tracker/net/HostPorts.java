package meshchat.tracker.net;

import com.google.common.base.CharMatcher;
import com.google.common.net.HostAndPort;
import java.net.InetSocketAddress;

/**
 * The one parser for the {@code HOST:PORT} a user types (a tracker, a metrics endpoint). Guava's
 * {@link HostAndPort} does the grammar, brackets for IPv6 included ({@code [::1]:7070}); this class
 * adds the rules a flag needs and turns every failure into one line the CLI can print.
 */
public final class HostPorts {
  private HostPorts() {}

  /**
   * Parses without resolving the host (resolution happens when dialing, where a failure is
   * retried).
   *
   * @param defaultHost the host a bare {@code PORT} means, or {@code null} if a host is required
   * @param lowestPort 0 where "any free port" makes sense (a listener), 1 where it does not
   * @throws IllegalArgumentException with a one-line message naming the value
   */
  public static InetSocketAddress parse(String value, String defaultHost, int lowestPort) {
    String v = value.trim();
    if (defaultHost != null && !v.isEmpty() && CharMatcher.inRange('0', '9').matchesAllOf(v)) {
      v = HostAndPort.fromParts(defaultHost, port(v, value, lowestPort)).toString();
    }
    HostAndPort hp;
    try {
      hp = HostAndPort.fromString(v);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + value + "' is not HOST:PORT");
    }
    if (!hp.hasPort()) {
      String hint = hp.getHost().contains(":") ? " (write [v6]:PORT)" : "";
      throw new IllegalArgumentException("'" + value + "' is not HOST:PORT" + hint);
    }
    String host = hp.getHost();
    if (host.isEmpty() || CharMatcher.whitespace().matchesAnyOf(host)) {
      throw new IllegalArgumentException("'" + value + "' is not HOST:PORT");
    }
    if (hp.getPort() < lowestPort) {
      throw new IllegalArgumentException(
          "port " + hp.getPort() + " in '" + value + "' is not " + lowestPort + "..65535");
    }
    return InetSocketAddress.createUnresolved(host, hp.getPort());
  }

  private static int port(String digits, String value, int lowestPort) {
    try {
      int port = Integer.parseInt(digits);
      if (port >= lowestPort && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException tooLong) {
      // falls through to the range message
    }
    throw new IllegalArgumentException(
        "port " + digits + " in '" + value + "' is not " + lowestPort + "..65535");
  }
}
