package meshchat.peer.app;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import meshchat.tracker.ErrorText;

/**
 * One {@code chat} per data dir: an exclusive OS lock on {@code <data>/lock}, held for the life of
 * the process. Two processes on one dir share one identity and would fork its seqs (both author
 * "seq 7"), so the second one must not start.
 *
 * <p>The lock is the kernel's (fcntl via {@link FileChannel#tryLock}), not the file's existence: it
 * goes away with the process however it ends, {@code kill -9} included, so a stale file never
 * blocks a restart. The file holds the owner's pid only to name it in the error.
 */
final class DataDirLock implements AutoCloseable {
  static final String FILE_NAME = "lock";

  /** The dir is held by another live process. */
  static final class InUseException extends Exception {
    InUseException(String message) {
      super(message);
    }
  }

  private final FileChannel channel;
  private final FileLock lock;

  private DataDirLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the lock of {@code dir} (which must exist) or fails at once, never waiting.
   *
   * @throws InUseException with the one line for the user if another process holds it
   * @throws IOException if the lock file cannot be opened or written
   */
  static DataDirLock acquire(Path dir) throws IOException, InUseException {
    Path file = dir.resolve(FILE_NAME);
    FileChannel ch;
    try {
      ch =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    } catch (IOException e) {
      // the JDK's reason alone ("is a directory") did not say which file of the dir is in the way
      throw new IOException(file + ": " + ErrorText.reason(e), e);
    }
    FileLock lock;
    try {
      lock = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null; // this JVM holds it already: in use all the same
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
    if (lock == null) {
      String pid = readPid(ch);
      ch.close();
      throw new InUseException(
          dir + " is in use by another meshchat (pid " + pid + "); use --nick NAME or --data DIR");
    }
    try {
      // not forced to disk: the pid only names the holder in another start's error, and the
      // lock itself is the kernel's (an fsync here was a start's wait for the disk, for nothing)
      ch.truncate(0);
      ch.write(ByteBuffer.wrap((pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
    } catch (IOException e) {
      lock.release();
      ch.close();
      throw e;
    }
    return new DataDirLock(ch, lock);
  }

  /**
   * This process's pid: from {@code /proc/self} where there is one, which is cheap, else from
   * {@link ProcessHandle}, whose first use starts the JDK's process-reaper machinery (a thread pool
   * and its lambdas: milliseconds of a cold start).
   */
  static long pid() {
    try {
      long pid = Long.parseLong(Files.readSymbolicLink(Path.of("/proc/self")).toString());
      if (pid > 0) {
        return pid;
      }
    } catch (IOException
        | NumberFormatException
        | UnsupportedOperationException
        | SecurityException e) {
      // not Linux, or no /proc: ask the JDK
    }
    return ProcessHandle.current().pid();
  }

  /** The pid the holder wrote; "?" if it has not written it yet (it is just starting). */
  private static String readPid(FileChannel ch) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(32);
    ch.read(buf, 0);
    String s = new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII).strip();
    return s.matches("[0-9]{1,19}") ? s : "?";
  }

  @Override
  public void close() throws IOException {
    try {
      lock.release();
    } finally {
      channel.close();
    }
  }
}
