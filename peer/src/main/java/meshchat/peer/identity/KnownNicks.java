package meshchat.peer.identity;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import meshchat.peer.nick.NickBook;

/**
 * The {@link NickBook} of a data directory, kept in {@code <data>/known-nicks} (docs/storage.md):
 * loaded at start, and rewritten whole (a temporary file, then an atomic rename) on a writer thread
 * of its own whenever the book learns a nick or a trusted key, so the room thread never waits for
 * the disk. Changes while a write is queued fold into that write. A file that cannot be read is
 * never overwritten: the book then lives in memory for this session, and the user is told.
 */
public final class KnownNicks implements AutoCloseable {
  public static final String FILE = "known-nicks";
  private static final String HEADER =
      "# meshchat known nicks: NICK (URL-encoded) PEER-ID first|trusted SINCE-UNIX-MS\n"
          + "# the first key seen for a nick, and keys trusted with /trust (docs/storage.md)\n";

  private final Path file;
  private final Consumer<String> problems;
  private final NickBook book;
  private final AtomicBoolean queued = new AtomicBoolean();
  private final ExecutorService writer;
  private volatile boolean writable = true;
  private volatile boolean failedOnce;

  private KnownNicks(Path dir, Consumer<String> problems) {
    this.file = dir.resolve(FILE);
    this.problems = problems;
    this.book = new NickBook(this::changed);
    this.writer =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "known-nicks");
              t.setDaemon(true);
              return t;
            });
  }

  /** Loads {@code <dir>/known-nicks} (absent: an empty book); problems are reported as lines. */
  public static KnownNicks open(Path dir, Consumer<String> problems) {
    KnownNicks k = new KnownNicks(dir, problems);
    try {
      int bad = k.book.restore(Files.readAllLines(k.file, StandardCharsets.UTF_8));
      if (bad > 0) {
        problems.accept(
            k.file + ": skipped " + bad + (bad == 1 ? " line" : " lines") + " not understood");
      }
    } catch (NoSuchFileException e) {
      // first start
    } catch (IOException | RuntimeException e) {
      k.writable = false;
      problems.accept(
          "cannot read "
              + k.file
              + " ("
              + e.getMessage()
              + "); nicks are remembered this session only");
    }
    return k;
  }

  public NickBook book() {
    return book;
  }

  private void changed() {
    if (writable && queued.compareAndSet(false, true)) {
      try {
        writer.execute(this::write);
      } catch (RejectedExecutionException e) {
        // closing: close() writes what is left (queued stays set)
      }
    }
  }

  private void write() {
    queued.set(false); // a change from now on queues another write
    List<String> lines = new ArrayList<>(book.lines());
    Path tmp = file.resolveSibling(FILE + ".tmp");
    try {
      Files.writeString(tmp, HEADER + String.join("\n", lines) + (lines.isEmpty() ? "" : "\n"));
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      if (!failedOnce) {
        failedOnce = true;
        problems.accept("cannot write " + file + ": " + e.getMessage());
      }
    }
  }

  /** Writes what is not written yet, then stops the writer. */
  @Override
  public void close() {
    writer.shutdown();
    try {
      writer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (writable && queued.get()) {
      write();
    }
  }
}
