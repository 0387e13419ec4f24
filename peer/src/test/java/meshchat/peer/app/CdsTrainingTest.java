package meshchat.peer.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's training run must really link two peers and catch one up: otherwise the archive
 * silently falls back to a start's classes, and a peer's first link loads its classes from the jar
 * again (nothing else would notice).
 */
class CdsTrainingTest {
  @Test
  void twoPeersLinkCatchUpAndAnswerLive(@TempDir Path dir) throws Exception {
    assertThat(CdsTraining.linkAndCatchUp(dir)).isTrue();
    assertThat(dir.resolve("new").resolve("history.db")).satisfies(p -> Files.isRegularFile(p));
  }
}
