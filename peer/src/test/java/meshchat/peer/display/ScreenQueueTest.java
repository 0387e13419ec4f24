package meshchat.peer.display;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The screen's queue: a reader that stops never holds the printer, and nothing shown is out of
 * order.
 */
class ScreenQueueTest {
  /** A screen whose reader has stopped until {@code go} opens. */
  private static final class Stalled implements Screen {
    final CountDownLatch go = new CountDownLatch(1);
    final CountDownLatch taken = new CountDownLatch(1);
    final List<String> shown = new CopyOnWriteArrayList<>();

    @Override
    public void println(String line) {
      taken.countDown();
      try {
        go.await();
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      shown.add(line);
    }
  }

  @Test
  void aStoppedReaderNeverHoldsThePrinterAndTheNoticeStandsWhereTheLinesWere() throws Exception {
    Stalled out = new Stalled();
    ScreenQueue q = new ScreenQueue(out, false, 100);
    // the first line is taken by the writer, which then waits on the reader; 10 x 10 chars fill
    // the queue; the next 5 are skipped (the printer returns at once every time)
    q.println("line 0000!");
    assertThat(out.taken.await(10, TimeUnit.SECONDS)).isTrue();
    for (int i = 1; i < 16; i++) {
      q.println(String.format("line %04d", i) + "!");
    }
    assertThat(q.skipped()).isEqualTo(5);
    // below half full again only once the reader reads: still skipping
    q.println("late");
    assertThat(q.skipped()).isEqualTo(6);
    out.go.countDown();
    q.close(10_000);
    q.println("after close"); // printed by the caller
    assertThat(out.shown)
        .hasSize(13)
        .startsWith("line 0000!", "line 0001!")
        .contains("line 0010!")
        .doesNotContain("line 0011!", "late")
        .endsWith(
            "* 6 lines not shown: the output was not read in time; the messages among them are"
                + " stored (/history shows them)",
            "after close");
  }

  @Test
  void theNoticeIsAJsonEventForJsonOutput() throws Exception {
    Stalled out = new Stalled();
    ScreenQueue q = new ScreenQueue(out, true, 10);
    q.println("0123456789");
    assertThat(out.taken.await(10, TimeUnit.SECONDS)).isTrue();
    for (int i = 1; i < 4; i++) {
      q.println("0123456789");
    }
    out.go.countDown();
    q.close(10_000);
    assertThat(out.shown.get(out.shown.size() - 1))
        .startsWith("{\"event\":\"skipped\",\"lines\":2,");
  }

  @Test
  void closeGivesUpOnAReaderThatNeverReadsAgain() throws Exception {
    Stalled out = new Stalled();
    ScreenQueue q = new ScreenQueue(out, false, 1_000);
    q.println("never read");
    q.println("nor this");
    long start = System.nanoTime();
    q.close(200);
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(5_000);
    assertThat(out.shown).isEmpty();
    out.go.countDown();
  }
}
