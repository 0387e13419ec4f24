package meshchat.testkit.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * A modest fuzz run in every build: 50,000 mutated inputs through the link and tracker pipelines
 * and the codec, a sixth of them validly signed messages with extreme numbers that also go into a
 * real room. FuzzMain runs millions on demand.
 */
class FrameFuzzTest {
  @Test
  void fiftyThousandMutatedInputsCrashNothing() {
    Fuzzer.Report r = Fuzzer.run(20261126L, 50_000);
    assertThat(r.findings()).isEmpty();
    assertThat(r.slowestMicros()).isLessThan(2_000_000);
    // the mutator keeps enough inputs valid to reach past the handshake into the room's inbox
    assertThat(r.delivered()).isPositive();
    // validly signed messages with extreme numbers got past the codec and the signature check
    assertThat(r.roomFed()).isGreaterThan(1_000);
  }
}
