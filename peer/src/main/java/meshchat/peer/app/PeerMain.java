package meshchat.peer.app;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import meshchat.tracker.OutOfMemoryExit;
import meshchat.tracker.Version;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code java -jar peer.jar [chat|history] [flags]}; no command means chat. Bad input (an unknown
 * flag, a bad port, a malformed tracker address, an unwritable data dir) is one line on stderr and
 * exit code 2 (picocli's usage code), never a stack trace.
 */
@Command(
    name = "meshchat",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = "Peer-to-peer group chat.",
    subcommands = {ChatCommand.class, HistoryCommand.class})
public final class PeerMain {
  public static void main(String[] args) {
    OutOfMemoryExit.install("meshchat");
    prepareProcess();
    System.exit(run(args));
  }

  /** What a peer's process sets before anything else runs (the CDS training run does the same). */
  static void prepareProcess() {
    nettyDefaults();
    String providers =
        localeProviders(Runtime.version().feature(), System.getProperty(LOCALE_PROVIDERS));
    if (providers != null) {
      System.setProperty(LOCALE_PROVIDERS, providers);
    }
    // UTF-8 whatever the locale: under LC_ALL=C (cron, Docker, systemd) Java would print '?' for
    // every character outside ASCII, in chat lines and in JSON alike
    System.setOut(utf8(FileDescriptor.out));
    System.setErr(utf8(FileDescriptor.err));
  }

  static final String LOCALE_PROVIDERS = "java.locale.providers";

  /** Netty's leak detection level, read once when its first buffer is made. */
  static final String LEAK_DETECTION = "io.netty.leakDetection.level";

  /** The same under its older name, which Netty still reads when the new one is not set. */
  static final String LEAK_DETECTION_OLD = "io.netty.leakDetectionLevel";

  /**
   * Netty settings of a running peer's (or benchmark's) process, made before Netty's classes load:
   * its buffer leak detection is off unless a level was chosen ({@code
   * -Dio.netty.leakDetection.level} in {@code JAVA_OPTS}). Netty's default level samples one buffer
   * in 128 and records where it was made, a stack trace of 30 to 60 frames walked on the room
   * thread, in the middle of a burst (an own line's write to its links, a read): in the latency
   * cell 2.4 % of the room threads' CPU, about 20 µs on the path of one delivery in ten
   * (docs/benchmarks.md, session 32, lat32). Tests keep Netty's default (and {@code FuzzLeakTest}
   * its strictest level): leaks are theirs to find, not a running peer's.
   */
  public static void nettyDefaults() {
    String level =
        leakDetection(System.getProperty(LEAK_DETECTION), System.getProperty(LEAK_DETECTION_OLD));
    if (level != null) {
      System.setProperty(LEAK_DETECTION, level);
    }
  }

  /** The leak detection level to set, given what was chosen under either name; null: keep it. */
  static String leakDetection(String chosen, String chosenOld) {
    return chosen == null && chosenOld == null ? "disabled" : null;
  }

  /**
   * The locale data to use, set before anything locale-sensitive runs; null: leave the JDK's
   * choice. The SQLite driver builds a date parser on every open, and its calendar asks the JDK's
   * CLDR data which locales it has: hundreds of language tags parsed, about half of the history's
   * open on a start's way to {@code ready} (docs/benchmarks.md, "Fast start"). The JDK's older data
   * (COMPAT) answers the same for everything a peer formats (digits only: {@code HH:mm}, numbers)
   * at a fraction of the cost. JDK 21 warns about COMPAT on stderr and later JDKs drop it, so only
   * 17 to 20 get it; a choice made in {@code JAVA_OPTS} is kept.
   */
  static String localeProviders(int jdkFeature, String chosen) {
    return chosen == null && jdkFeature < 21 ? "COMPAT,CLDR" : null;
  }

  private static PrintStream utf8(FileDescriptor fd) {
    return new PrintStream(
        new BufferedOutputStream(new FileOutputStream(fd)), true, StandardCharsets.UTF_8);
  }

  static int run(String[] args) {
    String[] line = withDefaultCommand(args);
    PrintWriter err =
        new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
    // a plain chat line skips picocli, the largest single cost of a start (ChatArgs)
    ChatCommand chat = ChatArgs.parse(line, err);
    if (chat != null) {
      try {
        return chat.call();
      } catch (Exception e) {
        err.println("meshchat: " + failure(e));
        return CommandLine.ExitCode.SOFTWARE;
      }
    }
    CommandLine cli = new CommandLine(new PeerMain());
    cli.setOut(new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true));
    cli.setErr(err);
    cli.setParameterExceptionHandler(
        (e, a) -> {
          e.getCommandLine().getErr().println("meshchat: " + oneLine(e.getMessage()));
          return CommandLine.ExitCode.USAGE;
        });
    cli.setExecutionExceptionHandler(
        (e, c, p) -> {
          c.getErr().println("meshchat: " + failure(e));
          return CommandLine.ExitCode.SOFTWARE;
        });
    return cli.execute(line);
  }

  /** No command, or flags first: the chat command. */
  static String[] withDefaultCommand(String[] args) {
    boolean topLevelFlag =
        args.length > 0 && List.of("-h", "--help", "-V", "--version").contains(args[0]);
    if (args.length == 0 || (args[0].startsWith("-") && !topLevelFlag)) {
      List<String> out = new ArrayList<>();
      out.add("chat");
      out.addAll(Arrays.asList(args));
      return out.toArray(String[]::new);
    }
    return args;
  }

  /**
   * The one line for a command that failed. A failure on another thread (the room's start, run on
   * the room thread and joined) comes wrapped, and a wrapper's message is its cause's {@code
   * toString()}: "meshchat.peer.store.sqlite.HistoryDatabaseException: history database ...". The
   * cause's own message is the line meant for the user.
   */
  static String failure(Throwable e) {
    Throwable t = e;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null
        && t.getCause() != t) {
      t = t.getCause();
    }
    String m = t.getMessage();
    return m == null || m.isBlank() ? t.getClass().getSimpleName() : oneLine(m);
  }

  private static String oneLine(String s) {
    return s.replace('\n', ' ').replace('\r', ' ').strip();
  }
}
