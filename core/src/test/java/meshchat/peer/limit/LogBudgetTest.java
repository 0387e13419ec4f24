package meshchat.peer.limit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogBudgetTest {
  private final LogBudget budget = new LogBudget();

  @Test
  void tenLinesAMinuteThenTheCountOfThoseLeftOutWithTheNextLine() {
    long t = 5_000_000_000L;
    for (int i = 0; i < LogBudget.LINES_PER_WINDOW; i++) {
      assertThat(budget.admit(t + i)).isZero();
    }
    for (int i = 0; i < 3_000; i++) {
      assertThat(budget.admit(t + 1_000 + i)).isEqualTo(LogBudget.LEAVE_OUT);
    }
    assertThat(budget.admit(t + LogBudget.WINDOW_NANOS - 1)).isEqualTo(LogBudget.LEAVE_OUT);
    // the next minute: the first line is logged, after a line saying how many were left out
    assertThat(budget.admit(t + LogBudget.WINDOW_NANOS)).isEqualTo(3_001);
    assertThat(budget.admit(t + LogBudget.WINDOW_NANOS + 1)).isZero();
    // a quiet minute after it: nothing left out to report
    assertThat(budget.admit(t + 3 * LogBudget.WINDOW_NANOS)).isZero();
  }

  @Test
  void anyTickerValueWorksTheWraparoundAndTheExtremesIncluded() {
    for (long start : new long[] {Long.MIN_VALUE, -1, 0, Long.MAX_VALUE - 5}) {
      LogBudget b = new LogBudget();
      int logged = 0;
      for (int i = 0; i < 100; i++) {
        if (b.admit(start + i) != LogBudget.LEAVE_OUT) {
          logged++;
        }
      }
      assertThat(logged).as("from %d", start).isEqualTo(LogBudget.LINES_PER_WINDOW);
    }
  }
}
