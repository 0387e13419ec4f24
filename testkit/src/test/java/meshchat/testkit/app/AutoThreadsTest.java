package meshchat.testkit.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code --threads}'s default: the machine's cores, the run's peers and the JIT it runs on. */
class AutoThreadsTest {
  @Test
  void twoThreadsFrom500PeersOnC2AndFrom100OnC1Alone() {
    assertThat(SimCommand.autoThreads(499, 2, false)).isEqualTo(1);
    assertThat(SimCommand.autoThreads(500, 2, false)).isEqualTo(2);
    assertThat(SimCommand.autoThreads(100, 2, false)).isEqualTo(1);
    assertThat(SimCommand.autoThreads(99, 2, true)).isEqualTo(1);
    assertThat(SimCommand.autoThreads(100, 2, true)).isEqualTo(2);
    assertThat(SimCommand.autoThreads(1000, 8, true)).isEqualTo(2);
  }

  @Test
  void oneThreadOnOneCore() {
    assertThat(SimCommand.autoThreads(100, 1, true)).isEqualTo(1);
    assertThat(SimCommand.autoThreads(10_000, 1, false)).isEqualTo(1);
  }
}
