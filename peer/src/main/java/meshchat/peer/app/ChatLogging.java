package meshchat.peer.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.encoder.EncoderBase;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneId;

/**
 * The chat peer's logging, set up in code: everything at INFO (Netty at WARN) to {@code
 * <data>/peer.log}, never to the terminal, whose screen the display owns. Logback finds this class
 * through {@code META-INF/services} when the first logger is made, after {@link ChatCommand} has
 * set {@value #LOG_FILE}; without that property (the tracker, the testkit, tests) it steps aside
 * and logback configures itself as usual. Configuring in code instead of from XML spares every
 * start logback's XML parser (a tenth of its start-up time; docs/benchmarks.md, "Fast start"), and
 * a plain encoder instead of a pattern spares it PatternLayout's table of some sixty converters,
 * each a lambda made at run time, on the path to {@code ready}.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_NORMAL_PRIORITY)
public final class ChatLogging extends ContextAwareBase implements Configurator {
  /** The system property naming the log file; set before the first logger exists. */
  public static final String LOG_FILE = "meshchat.log.file";

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    String file = System.getProperty(LOG_FILE);
    if (file == null || file.isBlank()) {
      return ExecutionStatus.NEUTRAL;
    }
    LineEncoder encoder = new LineEncoder();
    encoder.setContext(context);
    encoder.start();
    FileAppender<ILoggingEvent> appender = new FileAppender<>();
    appender.setContext(context);
    appender.setName("file");
    appender.setFile(file);
    appender.setAppend(true);
    appender.setEncoder(encoder);
    appender.start();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.INFO);
    root.addAppender(appender);
    context.getLogger("io.netty").setLevel(Level.WARN);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /**
   * {@code 2026-12-03 18:21:02.123 INFO PeerNode link up}: local time, the level padded to 5, the
   * logger's simple name, the message, and a throwable's stack trace when there is one.
   */
  static final class LineEncoder extends EncoderBase<ILoggingEvent> {
    private final ZoneId zone = ZoneId.systemDefault();

    @Override
    public byte[] headerBytes() {
      return null;
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
      StringBuilder b = new StringBuilder(128);
      LocalDateTime t = LocalDateTime.ofInstant(event.getInstant(), zone);
      b.append(t.getYear()).append('-');
      two(b, t.getMonthValue()).append('-');
      two(b, t.getDayOfMonth()).append(' ');
      two(b, t.getHour()).append(':');
      two(b, t.getMinute()).append(':');
      two(b, t.getSecond()).append('.');
      int ms = t.getNano() / 1_000_000;
      b.append((char) ('0' + ms / 100)).append((char) ('0' + ms / 10 % 10));
      b.append((char) ('0' + ms % 10)).append(' ');
      String level = event.getLevel().toString();
      b.append(level).append(" ".repeat(Math.max(1, 6 - level.length())));
      String logger = event.getLoggerName();
      b.append(logger, logger.lastIndexOf('.') + 1, logger.length()).append(' ');
      b.append(event.getFormattedMessage()).append('\n');
      IThrowableProxy thrown = event.getThrowableProxy();
      if (thrown != null) {
        b.append(ThrowableProxyUtil.asString(thrown)).append('\n');
      }
      return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static StringBuilder two(StringBuilder b, int n) {
      return b.append((char) ('0' + n / 10)).append((char) ('0' + n % 10));
    }

    @Override
    public byte[] footerBytes() {
      return null;
    }
  }
}
