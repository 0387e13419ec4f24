package meshchat.testkit.sim;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A long run's progress on one self-overwriting stderr line, every few seconds of wall time:
 * virtual time, events run, deliveries against the expected total, elapsed time and an estimate of
 * the rest. It only reads the run between steps, so a run prints the same summary with or without
 * it.
 */
public final class Progress {
  /** Prints nothing: for tests, pipes and {@code --quiet}. */
  public static final Progress NONE = new Progress(null, () -> 0, Long.MAX_VALUE, 0);

  private static final long NANOS_PER_MS = 1_000_000;

  private final PrintWriter err;
  private final LongSupplier nanoTicker;
  private final long intervalNanos;
  private final long expectedDeliveries;
  private final long startNanos;
  private long lastNanos;
  private boolean shown;

  /**
   * @param nanoTicker wall time for the elapsed/ETA figures ({@code System::nanoTime} in the CLI)
   * @param expectedDeliveries every peer showing every message: the 100% of the estimate
   */
  public Progress(
      PrintWriter err, LongSupplier nanoTicker, long intervalMs, long expectedDeliveries) {
    this.err = err;
    this.nanoTicker = nanoTicker;
    this.intervalNanos = intervalMs == Long.MAX_VALUE ? Long.MAX_VALUE : intervalMs * NANOS_PER_MS;
    this.expectedDeliveries = expectedDeliveries;
    this.startNanos = nanoTicker.getAsLong();
    this.lastNanos = startNanos;
  }

  /** Whether stderr is a terminal (Linux: fd 2 is a tty or pty); false wherever it cannot tell. */
  public static boolean stderrIsTerminal() {
    try {
      String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return false;
    }
  }

  /** Called between steps of the run; prints when an interval of wall time has passed. */
  void tick(long virtualMs, long events, long delivered) {
    if (err == null) {
      return;
    }
    long now = nanoTicker.getAsLong();
    if (now - lastNanos < intervalNanos) {
      return;
    }
    lastNanos = now;
    shown = true;
    err.print("\r\033[K" + line(virtualMs, events, delivered, (now - startNanos) / NANOS_PER_MS));
    err.flush();
  }

  /** Clears the progress line, so the summary starts on a clean line. */
  void done() {
    if (err != null && shown) {
      err.print("\r\033[K");
      err.flush();
    }
  }

  String line(long virtualMs, long events, long delivered, long elapsedMs) {
    double f = expectedDeliveries == 0 ? 1 : Math.min(1, delivered / (double) expectedDeliveries);
    String eta;
    if (delivered >= expectedDeliveries) {
      eta = "settling";
    } else if (f < 0.01) {
      eta = "ETA --:--";
    } else {
      eta = "ETA " + clock((long) (elapsedMs * (1 - f) / f));
    }
    return String.format(
        Locale.ROOT,
        "sim: %.1f s virtual · %,d events · %,d of %,d deliveries (%.0f%%) · %s elapsed · %s",
        virtualMs / 1000.0,
        events,
        delivered,
        expectedDeliveries,
        f * 100,
        clock(elapsedMs),
        eta);
  }

  private static String clock(long ms) {
    long s = ms / 1000;
    return s >= 3600
        ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }
}
