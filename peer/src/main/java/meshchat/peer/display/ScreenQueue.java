package meshchat.peer.display;

import java.util.ArrayDeque;

/**
 * The screen behind a bounded queue and a thread of its own: whoever prints (the room thread for
 * every line it delivers) never waits for the reader of the output. A reader that stops reading (a
 * {@code --json} bot that blocks, {@code chat | less}, a terminal stopped with Ctrl-S) filled the
 * pipe, and the room thread blocked in its write: no link of the room was served and nothing typed
 * was sent (rev38 FINDING-7).
 *
 * <p>At most {@link #MAX_CHARS} characters wait. Past that a line is not shown, and once lines are
 * shown again one line says how many were not: every message among them is stored and {@code
 * /history} shows it. Lines are shown in the order printed.
 */
public final class ScreenQueue implements Screen {
  /** The most characters of lines waiting to be shown: 8 Mi, about 16 MiB of heap. */
  public static final long MAX_CHARS = 8L << 20;

  private static final Object PROMPT = new Object();

  /** Where lines were not shown, and how many: the notice stands where they would have. */
  private static final class Skipped {
    long lines;
  }

  private final Screen out;
  private final boolean json;
  private final long maxChars;
  private final ArrayDeque<Object> queue = new ArrayDeque<>();
  private final Thread writer;
  private long chars;
  private long skipped;
  private boolean skipping;
  private boolean closed;

  /** Starts the writer thread; {@code json}: the skipped-lines notice is a JSON event. */
  public ScreenQueue(Screen out, boolean json) {
    this(out, json, MAX_CHARS);
  }

  ScreenQueue(Screen out, boolean json, long maxChars) {
    this.out = out;
    this.json = json;
    this.maxChars = maxChars;
    this.writer = new Thread(this::write, "screen");
    writer.setDaemon(true); // a reader that never reads again cannot keep the process alive
    writer.start();
  }

  @Override
  public void println(String line) {
    synchronized (queue) {
      if (closed) {
        out.println(line); // leaving: the caller may wait, as it did before the queue
        return;
      }
      // once full, lines are skipped until half the queue is shown: one notice per stall, not one
      // per line that happened to fit
      skipping = skipping ? chars > maxChars / 2 : chars + line.length() > maxChars;
      if (skipping) {
        skipped++;
        Skipped at = queue.peekLast() instanceof Skipped last ? last : new Skipped();
        if (at.lines++ == 0) {
          queue.add(at);
        }
        return;
      }
      queue.add(line);
      chars += line.length();
      queue.notifyAll();
    }
  }

  @Override
  public void promptChanged() {
    synchronized (queue) {
      if (!closed && queue.peekLast() != PROMPT) {
        queue.add(PROMPT);
        queue.notifyAll();
      }
    }
  }

  /** Lines not shown since the start (for tests). */
  long skipped() {
    synchronized (queue) {
      return skipped;
    }
  }

  /**
   * Shows what waits, for at most {@code millis} (a reader that never reads again must not keep us
   * from leaving), then prints on the caller's thread.
   */
  public void close(long millis) throws InterruptedException {
    synchronized (queue) {
      closed = true;
      queue.notifyAll();
    }
    writer.join(millis);
  }

  private void write() {
    while (true) {
      Object next;
      synchronized (queue) {
        while (queue.isEmpty() && !closed) {
          try {
            queue.wait();
          } catch (InterruptedException e) {
            return;
          }
        }
        if (queue.isEmpty()) {
          return; // closed, and everything shown
        }
        next = queue.poll();
        if (next instanceof String s) {
          chars -= s.length();
        } else if (next instanceof Skipped at) {
          next = notice(at.lines);
        }
      }
      try {
        if (next == PROMPT) {
          out.promptChanged();
        } else {
          out.println((String) next);
        }
      } catch (RuntimeException e) {
        // a screen that throws (a closed terminal) shows nothing more; the room never knew
      }
    }
  }

  private String notice(long n) {
    String what =
        n
            + (n == 1 ? " line" : " lines")
            + " not shown: the output was not read in time; the messages among them are stored"
            + " (/history shows them)";
    return json
        ? Json.event("skipped").put("lines", n).put("message", what).toString()
        : "* " + what;
  }
}
