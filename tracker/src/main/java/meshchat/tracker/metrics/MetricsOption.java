package meshchat.tracker.metrics;

import java.net.InetSocketAddress;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * The {@code --metrics [HOST:]PORT} flag, shared by {@code chat} and {@code tracker} as a picocli
 * mixin: a bad address is a usage error (one line, exit 2) before anything starts.
 */
public final class MetricsOption {
  @Option(
      names = "--metrics",
      paramLabel = "[HOST:]PORT",
      converter = Address.class,
      description =
          "serve Prometheus metrics on http://HOST:PORT/metrics (default host 127.0.0.1; off"
              + " unless given)")
  private InetSocketAddress address;

  /** The flag as given, for a command line read without picocli. */
  public static MetricsOption at(InetSocketAddress address) {
    MetricsOption m = new MetricsOption();
    m.address = address;
    return m;
  }

  /** Where to serve {@code /metrics}; null when the flag was not given. */
  public InetSocketAddress address() {
    return address;
  }

  static final class Address implements ITypeConverter<InetSocketAddress> {
    @Override
    public InetSocketAddress convert(String value) {
      try {
        return MetricsAddress.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}
