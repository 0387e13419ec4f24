package meshchat.peer.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * The chat peer's logging, set up in code: everything at INFO (Netty at WARN) to {@code
 * <data>/peer.log}, never to the terminal, whose screen the display owns. Logback finds this class
 * through {@code META-INF/services} when the first logger is made, after {@link ChatCommand} has
 * set {@value #LOG_FILE}; without that property (the tracker, the testkit, tests) it steps aside
 * and logback configures itself as usual. Configuring in code instead of from XML spares every
 * start logback's XML parser (a tenth of its start-up time; docs/benchmarks.md, "Fast start").
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_NORMAL_PRIORITY)
public final class ChatLogging extends ContextAwareBase implements Configurator {
  /** The system property naming the log file; set before the first logger exists. */
  public static final String LOG_FILE = "meshchat.log.file";

  static final String PATTERN = "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level %logger{0} %msg%n";

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    String file = System.getProperty(LOG_FILE);
    if (file == null || file.isBlank()) {
      return ExecutionStatus.NEUTRAL;
    }
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(PATTERN);
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
}
