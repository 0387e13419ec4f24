package meshchat.peer.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import java.nio.file.Files;
import java.nio.file.Path;
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
