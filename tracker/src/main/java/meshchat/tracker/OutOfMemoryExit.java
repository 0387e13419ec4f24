package meshchat.tracker;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The end of a command-line process that ran out of heap: one line on stderr naming the heap it had
 * and how to give it more, then exit status {@link #STATUS}, never the JVM's stack trace. Every
 * main installs it first ({@link #install}): an {@link OutOfMemoryError} that escapes any thread
 * (the main thread's command, a benchmark's sender, a peer's writer) ends the process here, and one
 * that a thread pool or event loop catches and logs (Netty's loops, the room thread's tasks) ends
 * it too, where it is logged ({@link meshchat.tracker.log.OutOfMemoryFilter}, and the chat peer's
 * own logger): a process whose heap is exhausted has lost work somewhere already, and limping on
 * would only hide it (a benchmark waited ten minutes for deliveries that would never come).
 *
 * <p>The line is made and encoded when installed, and written with one plain {@code write} of those
 * bytes: a thread out of heap allocates nothing to say it. The process then halts (no shutdown
 * hooks: they would allocate, and may wait on the threads that failed). What a peer stored is on
 * disk already (every commit is durable), as after a crash.
 *
 * <p>Direct (off-heap) buffer exhaustion is not this: Netty's allocator reports it as an {@code
 * OutOfDirectMemoryError} where a link asked for a chunk, and that link is closed, as any failure
 * of one link's handler is.
 */
public final class OutOfMemoryExit {
  /** The exit status of a process ended here: 1, a failure that is not the user's flags (2). */
  public static final int STATUS = 1;

  private static final AtomicBoolean ENDING = new AtomicBoolean();
  private static volatile byte[] line = encode("meshchat", Runtime.getRuntime().maxMemory());
  private static final FileOutputStream STDERR = new FileOutputStream(FileDescriptor.err);

  private OutOfMemoryExit() {}

  /**
   * Makes an out-of-heap error on any thread of this process end it with one line that starts with
   * {@code who} ("meshchat bench", "meshchat tracker"). Other uncaught errors go where they went.
   */
  public static void install(String who) {
    line = encode(who, Runtime.getRuntime().maxMemory());
    Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
    Thread.setDefaultUncaughtExceptionHandler(
        (thread, e) -> {
          if (isOutOfHeap(e)) {
            end();
          } else if (before != null) {
            before.uncaughtException(thread, e);
          } else {
            thread.getThreadGroup().uncaughtException(thread, e);
          }
        });
  }

  /**
   * Whether {@code e}, or what caused it, is the JVM's out-of-memory error for this process's heap
   * (or metaspace, or threads): not Netty's direct-memory one, which one link's allocation raises.
   */
  public static boolean isOutOfHeap(Throwable e) {
    for (int depth = 0; e != null && depth < 16; depth++, e = e.getCause()) {
      if (e instanceof OutOfMemoryError && !isDirect(e)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isDirect(Throwable e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName().equals("OutOfDirectMemoryError")
        || (m != null && m.startsWith("Direct buffer memory"));
  }

  /** Writes the line (once, whichever threads come here together) and halts the process. */
  public static void end() {
    if (ENDING.compareAndSet(false, true)) {
      try {
        STDERR.write(line);
      } catch (Throwable ignored) {
        // nothing left to say it with: the exit status still says it
      }
      Runtime.getRuntime().halt(STATUS);
    }
    // another thread is writing the line and halting; this one must not go on meanwhile
    while (true) {
      Thread.onSpinWait();
    }
  }

  /** The line, as {@link #install} makes it: what the heap was and how to give it more. */
  public static String text(String who, long maxHeapBytes) {
    // plain concatenation, no String.format: this runs at every start, and a Formatter's classes
    // (and its regular expression) would be loaded on the chat start's way to ready
    return who
        + ": out of memory: this JVM's heap of "
        + size(maxHeapBytes)
        + " is full; give it more (JAVA_OPTS=-Xmx"
        + suggest(maxHeapBytes)
        + " or more) or ask for less";
  }

  private static byte[] encode(String who, long maxHeapBytes) {
    return (text(who, maxHeapBytes) + System.lineSeparator()).getBytes(StandardCharsets.UTF_8);
  }

  /** Bytes as MiB or GiB, one decimal from 1 GiB on: {@code 96 MiB}, {@code 4.0 GiB}. */
  public static String size(long bytes) {
    if (bytes >= 1L << 30) {
      long tenths = Math.round(bytes * 10.0 / (1L << 30));
      return tenths / 10 + "." + tenths % 10 + " GiB";
    }
    return (bytes >> 20) + " MiB";
  }

  /** Twice {@code bytes}, as an -Xmx value: {@code 192m}, from 1 GiB whole GiB ({@code 8g}). */
  static String suggest(long bytes) {
    long twice = Math.max(64L << 20, bytes * 2);
    return twice >= 1L << 30
        ? ((twice + (1L << 30) - 1) >> 30) + "g"
        : ((twice + (1L << 20) - 1) >> 20) + "m";
  }
}
