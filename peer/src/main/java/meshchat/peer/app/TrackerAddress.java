package meshchat.peer.app;

import java.net.InetSocketAddress;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Parses {@code HOST:PORT} (or {@code [v6]:PORT}) without resolving the host. */
final class TrackerAddress implements ITypeConverter<InetSocketAddress> {
  @Override
  public InetSocketAddress convert(String value) {
    int colon = value.lastIndexOf(':');
    if (colon <= 0 || colon == value.length() - 1) {
      throw new TypeConversionException("'" + value + "' is not HOST:PORT");
    }
    String host = value.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    if (host.isEmpty() || host.contains(" ") || (host.contains(":") && !value.startsWith("["))) {
      throw new TypeConversionException("'" + value + "' is not HOST:PORT");
    }
    int port;
    try {
      port = Integer.parseInt(value.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new TypeConversionException("'" + value + "' has no numeric port");
    }
    if (port < 1 || port > 65535) {
      throw new TypeConversionException("port " + port + " in '" + value + "' is not 1..65535");
    }
    return InetSocketAddress.createUnresolved(host, port);
  }
}
