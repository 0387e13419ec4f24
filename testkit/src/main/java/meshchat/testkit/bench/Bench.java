package meshchat.testkit.bench;

import ch.qos.logback.classic.Level;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.LoggerFactory;

/** What the peer benchmarks share: quiet logs and a temp dir cleaned up after. */
final class Bench {
  private Bench() {}

  /** Per-link INFO lines would cost more than what is measured. */
  static void quietLogs() {
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("meshchat")).setLevel(Level.WARN);
  }

  static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
