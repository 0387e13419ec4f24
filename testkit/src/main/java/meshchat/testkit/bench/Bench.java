package meshchat.testkit.bench;

import ch.qos.logback.classic.Level;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import meshchat.peer.runtime.PeerConfig;
import org.slf4j.LoggerFactory;

/** What the peer benchmarks share: quiet logs and a temp dir cleaned up after. */
final class Bench {
  private Bench() {}

  /** Per-link INFO lines would cost more than what is measured. */
  static void quietLogs() {
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("meshchat")).setLevel(Level.WARN);
  }

  /**
   * {@code config} for a peer of a bench whose peers all dial from 127.0.0.1: one source, which the
   * per-source link share (a quarter of the cap) would hold to 8 links.
   */
  static PeerConfig allOnLoopback(PeerConfig config) {
    return config.with(
        d ->
            d.membershipConfig =
                d.membershipConfig.with(
                    m -> {
                      m.maxLinksPerSource = Integer.MAX_VALUE;
                      m.maxLinksPerGroup = Integer.MAX_VALUE;
                    }));
  }

  static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
