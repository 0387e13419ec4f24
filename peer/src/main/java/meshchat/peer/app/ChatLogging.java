package meshchat.peer.app;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import meshchat.tracker.OutOfMemoryExit;
import meshchat.tracker.log.LogText;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The chat peer's logging: everything at INFO (Netty at WARN) to {@code <data>/peer.log}, never to
 * the terminal, whose screen the display owns. {@link ChatCommand} selects it ({@link #select})
 * before the first logger exists; everything else in the build (the tracker, the testkit, tests,
 * {@code history}) logs through logback as configured there.
 *
 * <p>An SLF4J provider of its own rather than logback, for the start: logback's set-up alone took
 * 130–180 ms of a cold chat start on the way to {@code ready} (a version check with regexes, a
 * service scan, its configurator's annotation read through a proxy class spun at run time, a date
 * formatter and its locale data; docs/benchmarks.md, "Fast start"), where this takes a few classes.
 * A peer logs a few lines an hour, so one synchronised unbuffered write per line is all the
 * machinery a line needs: a line is in the file when the call returns, as with logback's {@code
 * FileAppender}, and a {@code kill -9} loses none.
 */
public final class ChatLogging implements SLF4JServiceProvider {
  /** The system property naming the log file; set, with {@link #select}, before any logger. */
  public static final String LOG_FILE = "meshchat.log.file";

  private ILoggerFactory factory;
  private final IMarkerFactory markers = new BasicMarkerFactory();
  private final MDCAdapter mdc = new NOPMDCAdapter();

  /**
   * Makes this the process's SLF4J provider, logging to {@code file}. Must run before the first
   * logger is asked for; after that SLF4J has chosen, and this changes nothing.
   */
  public static void select(String file) {
    System.setProperty(LOG_FILE, file);
    System.setProperty("slf4j.provider", ChatLogging.class.getName());
    // SLF4J says on stderr which provider it loads when one is named; the terminal is the screen's
    System.setProperty("slf4j.internal.verbosity", "WARN");
  }

  @Override
  public ILoggerFactory getLoggerFactory() {
    return factory;
  }

  @Override
  public IMarkerFactory getMarkerFactory() {
    return markers;
  }

  @Override
  public MDCAdapter getMDCAdapter() {
    return mdc;
  }

  @Override
  public String getRequestedApiVersion() {
    return "2.0.99";
  }

  @Override
  public void initialize() {
    factory = new Factory(new LogFile(System.getProperty(LOG_FILE)));
  }

  /** One logger per name, all writing to one file. */
  static final class Factory implements ILoggerFactory {
    private final LogFile file;
    private final ConcurrentMap<String, Logger> loggers = new ConcurrentHashMap<>();

    Factory(LogFile file) {
      this.file = file;
    }

    @Override
    public Logger getLogger(String name) {
      return loggers.computeIfAbsent(name, n -> new FileLogger(n, file));
    }
  }

  /** INFO and up; Netty's chatter only from WARN. */
  static final class FileLogger extends LegacyAbstractLogger {
    private static final long serialVersionUID = 1L;
    private final transient LogFile file;
    private final int threshold;
    private final String simpleName;

    FileLogger(String name, LogFile file) {
      this.name = name;
      this.file = file;
      this.threshold = (name.startsWith("io.netty") ? Level.WARN : Level.INFO).toInt();
      this.simpleName = name.substring(name.lastIndexOf('.') + 1);
    }

    @Override
    public boolean isTraceEnabled() {
      return enabled(Level.TRACE);
    }

    @Override
    public boolean isDebugEnabled() {
      return enabled(Level.DEBUG);
    }

    @Override
    public boolean isInfoEnabled() {
      return enabled(Level.INFO);
    }

    @Override
    public boolean isWarnEnabled() {
      return enabled(Level.WARN);
    }

    @Override
    public boolean isErrorEnabled() {
      return true;
    }

    private boolean enabled(Level level) {
      return level.toInt() >= threshold;
    }

    @Override
    protected String getFullyQualifiedCallerName() {
      return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(
        Level level, Marker marker, String pattern, Object[] args, Throwable thrown) {
      if (OutOfMemoryExit.isOutOfHeap(thrown)) {
        OutOfMemoryExit.end(); // a loop that caught it logs it: the process is done (one line)
      }
      if (!enabled(level)) {
        return; // a call with a Level of its own (the fluent API) comes here unchecked
      }
      String message = MessageFormatter.basicArrayFormat(pattern, args);
      file.write(line(LocalDateTime.now(file.zone), level, simpleName, message, thrown));
    }
  }

  /**
   * {@code 2026-12-03 18:21:02.123 INFO PeerNode link up}: local time, the level padded to 5, the
   * logger's simple name, the message, and a throwable's stack trace when there is one.
   */
  static String line(
      LocalDateTime t, Level level, String logger, String message, Throwable thrown) {
    StringBuilder b = new StringBuilder(128);
    b.append(t.getYear()).append('-');
    two(b, t.getMonthValue()).append('-');
    two(b, t.getDayOfMonth()).append(' ');
    two(b, t.getHour()).append(':');
    two(b, t.getMinute()).append(':');
    two(b, t.getSecond()).append('.');
    int ms = t.getNano() / 1_000_000;
    b.append((char) ('0' + ms / 100)).append((char) ('0' + ms / 10 % 10));
    b.append((char) ('0' + ms % 10)).append(' ');
    String name = level.name();
    b.append(name).append(" ".repeat(Math.max(1, 6 - name.length())));
    // a message carries what peers sent (a Hello's nick, a Close reason): never raw in the file
    b.append(logger).append(' ').append(LogText.escape(message)).append('\n');
    if (thrown != null) {
      StringWriter trace = new StringWriter();
      thrown.printStackTrace(new PrintWriter(trace));
      b.append(trace);
    }
    return b.toString();
  }

  private static StringBuilder two(StringBuilder b, int n) {
    return b.append((char) ('0' + n / 10)).append((char) ('0' + n % 10));
  }

  /**
   * The file, opened for appending at the first line. One that cannot be opened or written drops
   * the lines: logging never stops a chat, and the terminal is not the place for them. Once it
   * holds {@link #MAX_BYTES}, it is renamed to {@code peer.log.1} (replacing the one before) and a
   * new one is started, so the log never takes more than about twice that on disk: a stranger's
   * input, however much of it is logged, cannot fill the disk (rev28 F8).
   */
  static final class LogFile {
    /** The size at which the file is rotated: 10 MiB. */
    static final long MAX_BYTES = 10L << 20;

    private final String path;
    private final long maxBytes;
    private final ZoneId zone = ZoneId.systemDefault();
    private OutputStream out;
    private long size;
    private boolean failed;

    LogFile(String path) {
      this(path, MAX_BYTES);
    }

    LogFile(String path, long maxBytes) {
      this.path = path;
      this.maxBytes = maxBytes;
    }

    synchronized void write(String line) {
      if (failed || path == null || path.isBlank()) {
        return;
      }
      try {
        if (out == null) {
          size = Files.exists(Path.of(path)) ? Files.size(Path.of(path)) : 0;
          out = new FileOutputStream(path, true);
        }
        if (size >= maxBytes) {
          out.close();
          Files.move(Path.of(path), Path.of(path + ".1"), StandardCopyOption.REPLACE_EXISTING);
          out = new FileOutputStream(path, false);
          size = 0;
        }
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        out.write(bytes);
        size += bytes.length;
      } catch (IOException | RuntimeException e) {
        failed = true;
      }
    }
  }
}
