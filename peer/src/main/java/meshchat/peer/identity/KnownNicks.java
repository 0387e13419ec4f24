package meshchat.peer.identity;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import meshchat.peer.nick.NickBook;

/**
 * The {@link NickBook} of a data directory, kept in {@code <data>/known-nicks} (docs/storage.md):
 * loaded at start; each change the book makes is <b>appended</b> as journal lines on a writer
 * thread of its own (so the room thread never waits for the disk), and once the file holds more
 * than twice the book's lines (as of the last compaction, or its nicks now, whichever is more) plus
 * {@link #COMPACT_SLACK}, it is compacted: rewritten whole from the book (a temporary file, then an
 * atomic rename). A new nick costs a line or two of writes, and the rewrites a constant share more;
 * until session 29 every new nick rewrote the whole file (up to 10,000 lines), so a stranger
 * cycling nicks cost O(n²) bytes. Changes while a write is queued fold into that write. A last line
 * without its newline (a write cut short by {@code kill -9} or a power cut) is ignored with one
 * line, and the file is compacted at once, so the next append cannot run into it; nothing before it
 * is lost. A file that cannot be read is never overwritten: the book then lives in memory for this
 * session, and the user is told.
 */
public final class KnownNicks implements AutoCloseable {
  public static final String FILE = "known-nicks";
  private static final String HEADER =
      "# meshchat known nicks: NICK (URL-encoded) PEER-ID first|trusted SINCE-UNIX-MS\n"
          + "# the first key seen for a nick, and keys trusted with /trust (docs/storage.md);\n"
          + "# later lines change earlier ones (!forget NICK PEER-ID: a pin forgotten)\n";

  /** Lines the file may hold beyond twice the book's before it is compacted. */
  static final int COMPACT_SLACK = 1_024;

  private final Path file;
  private final Consumer<String> problems;
  private final NickBook book;
  private final AtomicBoolean queued = new AtomicBoolean();
  private final ExecutorService writer;
  private volatile boolean writable = true;
  private volatile boolean failedOnce;
  // the journal lines not written yet, in the order the book made them (guarded by itself)
  private final List<String> pending = new ArrayList<>();
  // writer thread only (and open, close): lines in the file, whether it must be compacted first
  private long fileLines;
  private long compactedLines; // the book's lines at the last compaction (or load)
  private boolean compactFirst;
  private volatile long bytesWritten; // for tests: what this object wrote, compactions included

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

  /** What a known-nicks file holds: its lines, and whether a torn last line was left out. */
  public record Read(List<String> lines, boolean tornTail) {}

  /**
   * Reads {@code file}: its complete lines; a last line with no newline (a write cut short) is left
   * out and reported.
   *
   * @throws NoSuchFileException if there is none
   */
  public static Read read(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    int end = bytes.length;
    boolean torn = false;
    if (end > 0 && bytes[end - 1] != '\n') {
      torn = true;
      while (end > 0 && bytes[end - 1] != '\n') {
        end--;
      }
    }
    String text = new String(Arrays.copyOf(bytes, end), StandardCharsets.UTF_8);
    List<String> lines = text.isEmpty() ? List.of() : List.of(text.split("\n", -1));
    if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
      lines = lines.subList(0, lines.size() - 1);
    }
    return new Read(lines, torn);
  }

  /** Loads {@code <dir>/known-nicks} (absent: an empty book); problems are reported as lines. */
  public static KnownNicks open(Path dir, Consumer<String> problems) {
    KnownNicks k = new KnownNicks(dir, problems);
    try {
      Read r = read(k.file);
      int bad = k.book.restore(r.lines());
      k.fileLines = r.lines().size();
      k.compactedLines = k.book.size();
      if (r.tornTail()) {
        k.compactFirst = true; // the next append must not run into the torn line
        problems.accept(
            k.file + ": ignored a last line cut short (a write interrupted by a crash)");
      }
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
    if (k.writable && k.compactFirst) {
      k.changed(List.of()); // repaired now, not at the next new nick
    }
    return k;
  }

  public NickBook book() {
    return book;
  }

  /** Runs under the book's lock: queues the lines and the writer, nothing more. */
  private void changed(List<String> lines) {
    if (!writable) {
      return;
    }
    synchronized (pending) {
      pending.addAll(lines);
    }
    if (queued.compareAndSet(false, true)) {
      try {
        writer.execute(this::write);
      } catch (RejectedExecutionException e) {
        // closing: close() writes what is left (queued stays set)
      }
    }
  }

  private void write() {
    queued.set(false); // a change from now on queues another write
    List<String> lines;
    synchronized (pending) {
      lines = new ArrayList<>(pending);
      pending.clear();
    }
    try {
      if (compactFirst
          || !Files.exists(file)
          || fileLines + lines.size()
              > 2L * Math.max(compactedLines, book.size()) + COMPACT_SLACK) {
        compact(); // the book has every change queued so far: lines are in it already
      } else if (!lines.isEmpty()) {
        append(lines);
      }
    } catch (IOException e) {
      if (!failedOnce) {
        failedOnce = true;
        problems.accept("cannot write " + file + ": " + e.getMessage());
      }
      compactFirst = true; // what did not get written is in the book: the next write has it all
    }
  }

  /** Appends {@code lines} in one write: a kill -9 keeps all of them, some, or a torn last one. */
  private void append(List<String> lines) throws IOException {
    byte[] bytes = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      while (b.hasRemaining()) {
        ch.write(b);
      }
    }
    fileLines += lines.size();
    bytesWritten += bytes.length;
  }

  /** Rewrites the file whole from the book: a temporary file, then an atomic rename. */
  private void compact() throws IOException {
    List<String> lines = book.lines();
    Path tmp = file.resolveSibling(FILE + ".tmp");
    String text = HEADER + String.join("\n", lines) + (lines.isEmpty() ? "" : "\n");
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    Files.write(tmp, bytes);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    fileLines = lines.size() + HEADER.lines().count();
    compactedLines = lines.size();
    compactFirst = false;
    bytesWritten += bytes.length;
  }

  /** Bytes this object wrote to the file so far, compactions included (for tests). */
  long bytesWritten() {
    return bytesWritten;
  }

  /** Waits until every change made before this call is written (or its write failed). */
  public void flush() {
    try {
      writer.submit(() -> {}).get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      // a failed write is reported by write() itself
    } catch (RejectedExecutionException e) {
      // closed: close() wrote what was left
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
