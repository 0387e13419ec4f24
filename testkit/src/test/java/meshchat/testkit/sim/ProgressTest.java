package meshchat.testkit.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import meshchat.fixture.net.LinkFaults;
import meshchat.testkit.SimConfig;
import org.junit.jupiter.api.Test;

/** The progress line: when it is printed and what it says. */
class ProgressTest {
  private final AtomicLong nanos = new AtomicLong();
  private final StringWriter out = new StringWriter();
  private final Progress progress = new Progress(new PrintWriter(out), nanos::get, 2_000, 1_000);

  @Test
  void nothingIsPrintedBeforeAnIntervalHasPassed() {
    nanos.set(1_999_000_000L);
    progress.tick(500, 10, 5);
    progress.done();
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void aLineNamesVirtualTimeEventsDeliveriesElapsedAndTheEstimate() {
    nanos.set(10_000_000_000L);
    progress.tick(4_200, 1_234_567, 250);
    assertThat(out.toString())
        .startsWith("\r\033[K")
        .contains("4.2 s virtual", "1,234,567 events", "250 of 1,000 deliveries (25%)")
        .contains("0:10 elapsed", "ETA 0:30");
    progress.done();
    assertThat(out.toString()).endsWith("\r\033[K");
  }

  @Test
  void oncePeersHoldEverythingTheRunIsSettlingNotEstimated() {
    assertThat(progress.line(9_000, 10, 1_000, 3_000)).contains("(100%)", "settling");
    assertThat(progress.line(9_000, 10, 0, 3_000)).contains("ETA --:--");
  }

  @Test
  void theSummaryIsTheSameWithProgressOn() {
    SimConfig config = SimConfig.defaults(7).with(d -> d.faults = LinkFaults.calm().withLoss(0.05));
    SimPlan plan =
        new SimPlan(config, 8, 5, 0, 2_000, 5_000, List.of(), List.of(), List.of(), 60_000);
    Progress every = new Progress(new PrintWriter(new StringWriter()), System::nanoTime, 0, 1);
    String with = Summary.text(Summary.model(SimRun.run(plan, every), "x"));
    String without = Summary.text(Summary.model(SimRun.run(plan), "x"));
    assertThat(with).isEqualTo(without);
  }
}
