package meshchat.peer.app;

import java.net.InetSocketAddress;
import meshchat.tracker.net.HostPorts;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Parses {@code HOST:PORT} (or {@code [v6]:PORT}) without resolving the host. */
final class TrackerAddress implements ITypeConverter<InetSocketAddress> {
  @Override
  public InetSocketAddress convert(String value) {
    try {
      return HostPorts.parse(value, null, 1);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }
}
