package meshchat.tracker;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import meshchat.tracker.metrics.MetricsOption;
import meshchat.tracker.metrics.MetricsServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code meshchat tracker}: runs a tracker until SIGINT or SIGTERM. Errors in the flags, or an
 * address that cannot be bound, print one line on stderr and exit with code 2.
 */
@Command(
    name = "tracker",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = "Run the meshchat rendezvous tracker (discovery only; it never carries chat).")
public final class TrackerMain implements Callable<Integer> {
  static {
    // The tracker's log config has its own name so that it never shadows the peer's logback.xml
    // when both jars share a classpath (a peer hosts a tracker in-process). Set before any logger.
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "meshchat-tracker-logback.xml");
    }
  }

  private static final Logger log = LoggerFactory.getLogger(TrackerMain.class);
  static final int USAGE = 2;

  @Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--bind",
      paramLabel = "ADDR",
      description = "address to listen on (default: ${DEFAULT-VALUE})")
  String bind = TrackerConfig.defaults().bindHost();

  @Option(
      names = "--port",
      description = "TCP port, 0 for any free port (default: ${DEFAULT-VALUE})")
  int port = TrackerConfig.DEFAULT_PORT;

  @Option(
      names = "--heartbeat-ms",
      description = "heartbeat interval announced to peers (default: ${DEFAULT-VALUE})")
  long heartbeatMs = TrackerConfig.defaults().heartbeatInterval().toMillis();

  @Option(
      names = "--ttl-ms",
      description = "registration TTL without heartbeat (default: 3 x heartbeat)")
  Long ttlMs;

  @Option(
      names = "--idle-timeout-ms",
      description = "close sessions silent this long (default: ${DEFAULT-VALUE})")
  long idleMs = TrackerConfig.defaults().idleTimeout().toMillis();

  @Option(
      names = "--max-frame-bytes",
      description = "largest frame a session may send (default: ${DEFAULT-VALUE})")
  int maxFrameBytes = TrackerConfig.defaults().maxFrameBytes();

  @Option(names = "--max-rooms", description = "rooms held at once (default: ${DEFAULT-VALUE})")
  int maxRooms = TrackerConfig.defaults().maxRooms();

  @Option(
      names = "--max-peers-per-room",
      description = "peers per room (default: ${DEFAULT-VALUE})")
  int maxPeersPerRoom = TrackerConfig.defaults().maxPeersPerRoom();

  @Option(
      names = "--max-registrations-per-session",
      description = "rooms per session (default: ${DEFAULT-VALUE})")
  int maxRegistrationsPerSession = TrackerConfig.defaults().maxRegistrationsPerSession();

  @Option(
      names = "--max-sessions",
      description = "open sessions in all, from every address (default: ${DEFAULT-VALUE})")
  int maxSessions = TrackerConfig.defaults().maxSessions();

  @Option(
      names = "--max-sessions-per-address",
      description = "open sessions from one IP address (default: ${DEFAULT-VALUE})")
  int maxSessionsPerAddress = TrackerConfig.defaults().maxSessionsPerAddress();

  @Option(
      names = "--max-room-members-per-address",
      description =
          "members of one room registered from one IP address, e.g. an office behind one NAT"
              + " (default: ${DEFAULT-VALUE})")
  int maxMembersPerAddressPerRoom = TrackerConfig.defaults().maxMembersPerAddressPerRoom();

  @CommandLine.Mixin MetricsOption metrics;

  @Option(names = "--io-threads", description = "socket I/O threads (default: ${DEFAULT-VALUE})")
  int ioThreads = TrackerConfig.defaults().ioThreads();

  TrackerConfig config() {
    if (port < 0 || port > 65535) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--port must be 0..65535, got " + port);
    }
    try {
      return TrackerConfig.defaults()
          .with(
              d -> {
                d.bindHost = bind;
                d.port = port;
                d.heartbeatInterval = Duration.ofMillis(heartbeatMs);
                d.ttl = ttlMs == null ? null : Duration.ofMillis(ttlMs);
                d.idleTimeout = Duration.ofMillis(idleMs);
                d.maxFrameBytes = maxFrameBytes;
                d.maxRooms = maxRooms;
                d.maxPeersPerRoom = maxPeersPerRoom;
                d.maxRegistrationsPerSession = maxRegistrationsPerSession;
                d.maxSessions = maxSessions;
                d.maxSessionsPerAddress = maxSessionsPerAddress;
                d.maxMembersPerAddressPerRoom = maxMembersPerAddressPerRoom;
                d.ioThreads = ioThreads;
              });
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  @Override
  public Integer call() throws Exception {
    InetSocketAddress metricsAt = metrics.address();
    TrackerServer server = TrackerServer.start(config());
    MetricsServer metricsServer = null;
    if (metricsAt != null) {
      try {
        metricsServer = MetricsServer.start(metricsAt, new TrackerMetrics(server));
      } catch (IOException e) {
        server.close();
        throw e;
      }
    }
    MetricsServer served = metricsServer;
    CountDownLatch stopped = new CountDownLatch(1);
    // SIGINT and SIGTERM both run shutdown hooks
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("signal received: tracker shutting down");
                  if (served != null) {
                    served.close();
                  }
                  server.close();
                  stopped.countDown();
                },
                "tracker-shutdown"));
    var a = server.localAddress();
    spec.commandLine()
        .getOut()
        .println("tracker listening on " + a.getAddress().getHostAddress() + ":" + a.getPort());
    if (served != null) {
      spec.commandLine()
          .getOut()
          .println(
              "metrics on http://" + metricsAt.getHostString() + ":" + served.port() + "/metrics");
    }
    spec.commandLine().getOut().flush();
    stopped.await();
    return 0;
  }

  /** The command line with one-line errors and exit code 2 for every usage or startup error. */
  public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new TrackerMain());
    cl.setOut(out);
    cl.setErr(err);
    cl.setParameterExceptionHandler(
        (ex, args) -> {
          ex.getCommandLine().getErr().println("tracker: " + ex.getMessage() + " (see --help)");
          return USAGE;
        });
    cl.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          commandLine.getErr().println("tracker: " + ex.getMessage());
          return USAGE;
        });
    return cl;
  }

  /** Runs the command; a leading literal {@code tracker} (from the launcher) is skipped. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    String[] rest =
        args.length > 0 && args[0].equals("tracker")
            ? Arrays.copyOfRange(args, 1, args.length)
            : args;
    int code = commandLine(out, err).execute(rest);
    out.flush();
    err.flush();
    return code;
  }

  public static void main(String[] args) {
    OutOfMemoryExit.install("meshchat tracker");
    int code = run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
    System.exit(code);
  }
}
