package meshchat.peer.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.ILoggerFactory;
import org.slf4j.event.Level;

class ChatLoggingTest {
  @TempDir Path dir;

  @AfterEach
  void clear() {
    System.clearProperty(ChatLogging.LOG_FILE);
    System.clearProperty("slf4j.provider");
    System.clearProperty("slf4j.internal.verbosity");
  }

  private ILoggerFactory loggers(Path file) {
    ChatLogging.select(file.toString());
    ChatLogging provider = new ChatLogging(); // as SLF4J makes the one its property names
    provider.initialize();
    return provider.getLoggerFactory();
  }

  @Test
  void selectingItNamesItAsTheProviderAndQuietsSlf4jsOwnNotice() {
    ChatLogging.select(dir.resolve("peer.log").toString());
    assertThat(System.getProperty("slf4j.provider")).isEqualTo(ChatLogging.class.getName());
    assertThat(System.getProperty("slf4j.internal.verbosity")).isEqualTo("WARN");
    assertThat(System.getProperty(ChatLogging.LOG_FILE)).endsWith("peer.log");
  }

  /** rev27 F4: a peer's Hello nick or Close reason reached peer.log raw. */
  @Test
  void whatAPeerSentCannotWriteControlsOrLinesOfItsOwn() throws Exception {
    Path file = dir.resolve("peer.log");
    ILoggerFactory loggers = loggers(file);
    loggers
        .getLogger("meshchat.peer.runtime.NodeLinks")
        .info(
            "link up with {}", "m\u001b]0;owned\u0007\n2026-01-01 00:00:00.000 INFO  forged\u202e");
    assertThat(Files.readAllLines(file))
        .singleElement()
        .satisfies(
            l ->
                assertThat(l)
                    .endsWith(
                        "link up with m\\x1b]0;owned\\x07\\x0a2026-01-01 00:00:00.000 INFO "
                            + " forged<U+202E>"));
  }

  @Test
  void aChatPeerLogsInfoToItsFileAndNettyOnlyFromWarn() throws Exception {
    Path file = dir.resolve("peer.log");
    ILoggerFactory loggers = loggers(file);
    loggers.getLogger("meshchat.peer.runtime.PeerNode").info("link up with {}", "ann");
    loggers.getLogger("meshchat.peer.runtime.PeerNode").debug("not at debug");
    loggers.getLogger("meshchat.peer.runtime.PeerNode").atDebug().log("nor fluently");
    loggers.getLogger("io.netty.channel.Foo").info("netty chatter");
    loggers.getLogger("io.netty.channel.Foo").warn("netty trouble");
    loggers.getLogger("io.netty.channel.Foo").atLevel(Level.INFO).log("fluent chatter");

    assertThat(loggers.getLogger("io.netty.channel.Foo").isInfoEnabled()).isFalse();
    assertThat(loggers.getLogger("meshchat.x.Y").isDebugEnabled()).isFalse();
    assertThat(Files.readAllLines(file))
        .hasSize(2)
        .satisfiesExactly(
            l ->
                assertThat(l)
                    .matches("\\d{4}-\\d\\d-\\d\\d [\\d:.]+ INFO  PeerNode link up with ann"),
            l -> assertThat(l).endsWith("WARN  Foo netty trouble"));
  }

  @Test
  void aLineHasTheTimeToTheMillisecondAndAnErrorItsStackTrace() throws Exception {
    Path file = dir.resolve("peer.log");
    ILoggerFactory loggers = loggers(file);
    String before = java.time.LocalDateTime.now().toString().replace('T', ' ');
    loggers
        .getLogger("meshchat.peer.runtime.RoomThread")
        .error("room loop: {}", "contained", new IllegalStateException("bug here"));
    String after = java.time.LocalDateTime.now().toString().replace('T', ' ');

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
  void linesAreAppendedToWhatEarlierRunsLogged() throws Exception {
    Path file = dir.resolve("peer.log");
    Files.writeString(file, "an earlier run\n");
    loggers(file).getLogger("a.B").warn("this run");
    assertThat(Files.readAllLines(file)).hasSize(2).first().isEqualTo("an earlier run");
  }

  @Test
  void aFileThatCannotBeWrittenDropsTheLinesWithoutThrowing() throws Exception {
    Path notAFile = Files.createDirectory(dir.resolve("peer.log"));
    ILoggerFactory loggers = loggers(notAFile);
    loggers.getLogger("a.B").error("nowhere to go", new IllegalStateException("x"));
    loggers.getLogger("a.B").error("still nowhere");
    assertThat(Files.isDirectory(notAFile)).isTrue();
  }

  /** rev28 F8: peer.log grew without bound. */
  @Test
  void pastItsSizeTheLogIsRotatedToPeerLog1AndStartedAnew() throws Exception {
    Path file = dir.resolve("peer.log");
    Path old = dir.resolve("peer.log.1");
    Files.writeString(file, "an old line\n"); // 12 bytes from before this start
    Files.writeString(old, "an older file\n");
    ChatLogging.LogFile log = new ChatLogging.LogFile(file.toString(), 1_000);
    String line = "x".repeat(99) + "\n";
    for (int i = 0; i < 15; i++) {
      log.write(line);
    }
    // 12 + 10 x 100 bytes reached the bound: they went to peer.log.1, replacing the older file
    assertThat(Files.readString(old)).startsWith("an old line\n").hasSize(1_012);
    assertThat(Files.size(file)).isEqualTo(500);
    for (int i = 0; i < 6; i++) {
      log.write(line);
    }
    assertThat(Files.readString(old)).isEqualTo(line.repeat(10));
    assertThat(Files.size(file)).isEqualTo(100);
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("peer.log", "peer.log.1");
    }
  }
}
