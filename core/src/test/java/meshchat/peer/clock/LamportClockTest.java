package meshchat.peer.clock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/** Pins IR1 and IR2 of Lamport 1978: a send ticks, a receive lands after both clocks. */
class LamportClockTest {

  @Test
  void tickAdvancesByOne() {
    LamportClock c = new LamportClock(0);
    assertThat(c.tick()).isEqualTo(1);
    assertThat(c.tick()).isEqualTo(2);
    assertThat(c.time()).isEqualTo(2);
  }

  @Test
  void receiveFromAClockAheadLandsAfterTheRemoteTime() {
    // atomix's LogicalClock returns the remote value unchanged here: the receive would then be
    // stamped at the same time as the send it follows.
    LamportClock c = new LamportClock(3);
    assertThat(c.receive(10)).isEqualTo(11);
    assertThat(c.time()).isEqualTo(11);
  }

  @Test
  void receiveFromAClockBehindStillAdvancesTheLocalTime() {
    LamportClock c = new LamportClock(10);
    assertThat(c.receive(3)).isEqualTo(11);
  }

  @Test
  void receiveFromAnEqualClockAdvancesPastBoth() {
    LamportClock c = new LamportClock(7);
    assertThat(c.receive(7)).isEqualTo(8);
  }

  @Test
  void witnessMovesForwardOnlyAndCountsNoEvent() {
    LamportClock c = new LamportClock(5);
    c.witness(3);
    assertThat(c.time()).isEqualTo(5);
    c.witness(9);
    assertThat(c.time()).isEqualTo(9);
    // a witness is not an event: the next send is the first one after it
    assertThat(c.tick()).isEqualTo(10);
  }

  @Test
  void refusesANegativeStart() {
    assertThatThrownBy(() -> new LamportClock(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void overflowFailsLoudlyInsteadOfWrappingBelowEarlierEvents() {
    LamportClock c = new LamportClock(Long.MAX_VALUE);
    assertThatThrownBy(c::tick).isInstanceOf(ArithmeticException.class);
    assertThatThrownBy(() -> c.receive(1)).isInstanceOf(ArithmeticException.class);
  }

  @Property
  void aReceiveIsStampedLaterThanBothClocks(
      @ForAll @LongRange(max = 1_000_000_000L) long local,
      @ForAll @LongRange(max = 1_000_000_000L) long remote) {
    LamportClock c = new LamportClock(local);
    long stamped = c.receive(remote);
    assertThat(stamped).isGreaterThan(local).isGreaterThan(remote);
    assertThat(stamped).isEqualTo(Math.max(local, remote) + 1);
  }

  @Property
  void theClockNeverGoesBackward(@ForAll("ops") List<Long> ops) {
    LamportClock c = new LamportClock(0);
    long before = c.time();
    for (long op : ops) {
      if (op < 0) {
        c.tick();
        assertThat(c.time()).isGreaterThan(before);
      } else if (op % 2 == 0) {
        c.receive(op);
        assertThat(c.time()).isGreaterThan(before);
      } else {
        c.witness(op);
        assertThat(c.time()).isGreaterThanOrEqualTo(before);
      }
      before = c.time();
    }
  }

  @Provide
  Arbitrary<List<Long>> ops() {
    return Arbitraries.longs().between(-1, 1_000).list().ofMaxSize(50);
  }
}
