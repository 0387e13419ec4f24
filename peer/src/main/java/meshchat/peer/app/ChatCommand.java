package meshchat.peer.app;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import meshchat.peer.discovery.LanDiscovery;
import meshchat.peer.discovery.LanTag;
import meshchat.peer.display.ChatView;
import meshchat.peer.display.Commands;
import meshchat.peer.display.LineConsole;
import meshchat.peer.display.Screen;
import meshchat.peer.display.TerminalConsole;
import meshchat.peer.identity.Identity;
import meshchat.peer.identity.KeyFiles;
import meshchat.peer.identity.RoomKey;
import meshchat.peer.metrics.PeerMetrics;
import meshchat.peer.runtime.PeerConfig;
import meshchat.peer.runtime.PeerGroups;
import meshchat.peer.runtime.PeerNode;
import meshchat.peer.store.MessageStore;
import meshchat.tracker.metrics.MetricsAddress;
import meshchat.tracker.metrics.MetricsServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code chat}: join a room and chat, on a terminal or through a pipe (--json for programs). */
@Command(
    name = "chat",
    description = "join a room and chat (the default)",
    mixinStandardHelpOptions = true)
public final class ChatCommand implements Callable<Integer> {
  static final InetSocketAddress DEFAULT_TRACKER =
      InetSocketAddress.createUnresolved("127.0.0.1", 7070);

  /** Each tracker is a session, a retry timer and a heartbeat: a handful is plenty. */
  static final int MAX_TRACKERS = 16;

  @Spec CommandSpec spec;

  @Option(names = "--nick", paramLabel = "NAME", description = "your name (default: $USER)")
  String nick;

  @Option(
      names = "--room",
      defaultValue = "lobby",
      paramLabel = "ROOM",
      description = "room (default: ${DEFAULT-VALUE})")
  String room;

  @Option(
      names = "--tracker",
      paramLabel = "HOST:PORT[,HOST:PORT...]",
      split = ",",
      converter = TrackerAddress.class,
      description =
          "trackers to register with, every one (comma-separated or repeated; default:"
              + " 127.0.0.1:7070, hosted here if none answers)")
  List<InetSocketAddress> trackers;

  @Option(
      names = "--no-tracker",
      description = "use no tracker: find peers on the LAN, in the peer cache and by exchange")
  boolean noTracker;

  @Option(
      names = "--no-lan",
      description =
          "do not announce or look for the room on the local network (mDNS; on by default)")
  boolean noLan;

  @Option(
      names = "--port",
      defaultValue = "0",
      paramLabel = "N",
      description = "link port (default: any)")
  int port;

  @Option(
      names = "--data",
      paramLabel = "DIR",
      description = "data dir (default: ~/.meshchat/NICK)")
  Path data;

  @Option(
      names = "--secret",
      arity = "0..1",
      fallbackValue = ASK,
      paramLabel = "SECRET",
      description =
          "make the room private: only peers with the same room and secret can join or read it;"
              + " without a value, asks for it (docs/security.md)")
  String secretOption;

  private static final String ASK = "\0ask";
  private char[] secret;

  @Option(names = "--json", description = "one JSON event per line (for programs)")
  boolean json;

  @Option(
      names = "--metrics",
      paramLabel = "[HOST:]PORT",
      description =
          "serve Prometheus metrics on http://HOST:PORT/metrics (default host 127.0.0.1; off"
              + " unless given)")
  String metrics;

  private InetSocketAddress metricsAt;

  @Override
  public Integer call() throws Exception {
    if (port < 0 || port > 65535) {
      throw new ParameterException(spec.commandLine(), "port " + port + " is not 0..65535");
    }
    String name = nick != null ? nick : System.getenv().getOrDefault("USER", "anon");
    if (name.isBlank() || name.length() > 32 || name.chars().anyMatch(Character::isISOControl)) {
      throw new ParameterException(spec.commandLine(), "nick must be 1..32 printable characters");
    }
    if (room.isBlank() || room.length() > 64) {
      throw new ParameterException(spec.commandLine(), "room must be 1..64 characters");
    }
    if (noTracker && trackers != null) {
      throw new ParameterException(spec.commandLine(), "--no-tracker and --tracker conflict");
    }
    if (trackers != null && new LinkedHashSet<>(trackers).size() > MAX_TRACKERS) {
      throw new ParameterException(
          spec.commandLine(), "at most " + MAX_TRACKERS + " trackers, got " + trackers.size());
    }
    if (metrics != null) {
      try {
        metricsAt = MetricsAddress.parse(metrics);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "--metrics: " + e.getMessage());
      }
    }
    if (secretOption != null) {
      secret = ASK.equals(secretOption) ? RoomSecret.ask() : secretOption.toCharArray();
    }
    if (secret != null && secret.length == 0) {
      throw new ParameterException(spec.commandLine(), "the room secret is empty");
    }
    Path dir = data != null ? data : Path.of(System.getProperty("user.home"), ".meshchat", name);
    Identity self;
    boolean newIdentity;
    DataDirLock lock;
    try {
      // owner-only: the key, and the history (a private room's in plaintext), live here
      RoomSecret.createPrivateDirectories(dir);
      if (!Files.isWritable(dir)) {
        throw new IOException("not writable");
      }
      // before anything in the dir is read or written: a second process would fork our seqs
      lock = DataDirLock.acquire(dir);
    } catch (DataDirLock.InUseException e) {
      spec.commandLine().getErr().println("meshchat: " + e.getMessage());
      return 2;
    } catch (IOException | IllegalArgumentException e) {
      spec.commandLine()
          .getErr()
          .println("meshchat: cannot use data dir " + dir + ": " + e.getMessage());
      return 2;
    }
    try (lock) {
      try {
        newIdentity = !Files.exists(dir.resolve(KeyFiles.PRIVATE));
        self =
            KeyFiles.loadOrCreate(
                dir, line -> spec.commandLine().getErr().println("meshchat: " + line));
      } catch (IOException | IllegalArgumentException e) {
        spec.commandLine()
            .getErr()
            .println("meshchat: cannot use data dir " + dir + ": " + e.getMessage());
        return 2;
      }
      // before the first logger exists: log to <data>/peer.log, never to the terminal
      System.setProperty("meshchat.log.file", dir.resolve("peer.log").toString());
      System.setProperty("logback.configurationFile", "meshchat-peer-logback.xml");
      return chat(dir, name, self, newIdentity);
    }
  }

  private int chat(Path dir, String name, Identity self, boolean newIdentity) throws Exception {
    boolean terminal = System.console() != null && !json;
    TerminalConsole term = terminal ? new TerminalConsole() : null;
    LineConsole lines = terminal ? null : new LineConsole(System.out);
    Screen screen = terminal ? term : lines;
    ChatView view = new ChatView(screen, json, room);
    if (term != null) {
      term.prompt(view::prompt);
    }
    PeerConfig config =
        PeerConfig.of(room, name, self)
            .withListen("0.0.0.0", port)
            .withTrackers(
                noTracker
                    ? List.of()
                    : trackers != null
                        ? List.copyOf(new LinkedHashSet<>(trackers))
                        : List.of(DEFAULT_TRACKER),
                trackers == null && !noTracker)
            .withPeerCache(dir.resolve("peers"));
    if (secret != null) {
      config = config.withRoomKey(RoomKey.derive(room, secret));
      java.util.Arrays.fill(secret, '\0');
    }
    // a private room's history is kept under its room id: another secret is another room
    MessageStore store = Stores.open(dir, config.room());
    PeerGroups groups = PeerGroups.single();
    PeerNode node;
    try {
      node = PeerNode.start(config, store, groups, view, newIdentity);
    } catch (IOException e) {
      view.error(e.getMessage());
      groups.close();
      return 1;
    }
    MetricsServer served = null;
    if (metricsAt != null) {
      try {
        served = MetricsServer.start(metricsAt, new PeerMetrics(node));
        view.info(
            "metrics on http://" + metricsAt.getHostString() + ":" + served.port() + "/metrics");
      } catch (IOException e) {
        view.error(e.getMessage());
        node.close();
        groups.close();
        return 1;
      }
    }
    LanDiscovery lan =
        noLan
            ? null
            : LanDiscovery.start(
                List.of(),
                config.roomKey() != null ? LanTag.of(config.roomKey()) : LanTag.open(room),
                node.self(),
                node.port(),
                node::hint,
                view::info,
                "[" + node.self().shortHex() + "]");
    Thread hook = new Thread(() -> leave(lan, node), "leave");
    Runtime.getRuntime().addShutdownHook(hook); // SIGTERM and Ctrl-C leave cleanly too
    Commands commands = new Commands(node, view, screen, json);
    try {
      if (term != null) {
        term.run(commands);
      } else {
        lines.run(System.in, commands);
      }
    } finally {
      if (served != null) {
        served.close();
      }
      leave(lan, node); // sends everything queued, then Close LEAVING; unregisters
      groups.close();
      if (term != null) {
        term.close();
      }
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // already shutting down
      }
    }
    return 0;
  }

  /**
   * Leaves the room and says goodbye on the LAN side by side: JmDNS's goodbye takes about 2 s,
   * which need not add to the peer's own leaving.
   */
  private static void leave(LanDiscovery lan, PeerNode node) {
    Thread goodbye = lan == null ? null : new Thread(lan::close, "lan-goodbye");
    if (goodbye != null) {
      goodbye.start();
    }
    node.close();
    if (goodbye != null) {
      try {
        goodbye.join(3_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
