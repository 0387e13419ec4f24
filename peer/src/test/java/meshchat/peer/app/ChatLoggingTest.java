package meshchat.peer.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChatLoggingTest {
  @TempDir Path dir;

  @AfterEach
  void clear() {
    System.clearProperty(ChatLogging.LOG_FILE);
  }

  @Test
  void aChatPeerLogsInfoToItsFileAndNettyOnlyFromWarn() throws Exception {
    Path file = dir.resolve("peer.log");
    System.setProperty(ChatLogging.LOG_FILE, file.toString());
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(new LogbackMDCAdapter()); // as logback's own provider gives its context
    ChatLogging logging = new ChatLogging();
    logging.setContext(context);

    assertThat(logging.configure(context)).isEqualTo(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
    context.start();
    context.getLogger("meshchat.peer.runtime.PeerNode").info("link up");
    context.getLogger("meshchat.peer.runtime.PeerNode").debug("not at debug");
    context.getLogger("io.netty.channel.Foo").info("netty chatter");
    context.getLogger("io.netty.channel.Foo").warn("netty trouble");
    context.stop();

    assertThat(Files.readAllLines(file))
        .hasSize(2)
        .satisfiesExactly(
            l -> assertThat(l).matches("\\d{4}-\\d\\d-\\d\\d [\\d:.]+ INFO  PeerNode link up"),
            l -> assertThat(l).endsWith("WARN  Foo netty trouble"));
  }

  @Test
  void aLineHasTheTimeToTheMillisecondAndAnErrorItsStackTrace() throws Exception {
    Path file = dir.resolve("peer.log");
    System.setProperty(ChatLogging.LOG_FILE, file.toString());
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(new LogbackMDCAdapter());
    ChatLogging logging = new ChatLogging();
    logging.setContext(context);
    logging.configure(context);
    context.start();
    String before = java.time.LocalDateTime.now().toString().replace('T', ' ');
    context
        .getLogger("meshchat.peer.runtime.RoomThread")
        .error("room loop: {}", "contained", new IllegalStateException("bug here"));
    String after = java.time.LocalDateTime.now().toString().replace('T', ' ');
    context.stop();

    List<String> lines = Files.readAllLines(file);
    assertThat(lines.get(0)).endsWith(" ERROR RoomThread room loop: contained");
    String stamp = lines.get(0).substring(0, 23);
    assertThat(stamp).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}");
    assertThat(stamp.compareTo(before.substring(0, Math.min(23, before.length()))))
        .isGreaterThanOrEqualTo(0);
    assertThat(stamp.compareTo(after.substring(0, Math.min(23, after.length()))))
        .isLessThanOrEqualTo(0);
    assertThat(lines.get(1)).isEqualTo("java.lang.IllegalStateException: bug here");
    assertThat(lines.get(2)).contains("at meshchat.peer.app.ChatLoggingTest");
  }

  @Test
  void withoutALogFileItStepsAsideForLogbacksOwnConfiguration() {
    LoggerContext context = new LoggerContext();
    ChatLogging logging = new ChatLogging();
    logging.setContext(context);

    assertThat(logging.configure(context)).isEqualTo(ExecutionStatus.NEUTRAL);
    assertThat(context.getLogger("ROOT").iteratorForAppenders().hasNext()).isFalse();
  }

  @Test
  void logbackFindsItAsAService() {
    assertThat(ServiceLoader.load(Configurator.class).stream().map(p -> p.type().getName()))
        .contains(ChatLogging.class.getName());
  }
}
