package meshchat.peer.app;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import meshchat.peer.discovery.LanDiscovery;
import meshchat.peer.discovery.LanTag;
import meshchat.peer.display.ChatView;
import meshchat.peer.display.Commands;
import meshchat.peer.display.DeliveryWatch;
import meshchat.peer.display.LineConsole;
import meshchat.peer.display.ScreenQueue;
import meshchat.peer.display.TerminalConsole;
import meshchat.peer.identity.Identity;
import meshchat.peer.identity.KeyFiles;
import meshchat.peer.identity.KnownNicks;
import meshchat.peer.identity.RoomKey;
import meshchat.peer.link.netty.LinkTls;
import meshchat.peer.metrics.PeerMetrics;
import meshchat.peer.runtime.PeerConfig;
import meshchat.peer.runtime.PeerGroups;
import meshchat.peer.runtime.PeerNode;
import meshchat.peer.store.MessageStore;
import meshchat.tracker.ErrorText;
import meshchat.tracker.Version;
import meshchat.tracker.metrics.MetricsOption;
import meshchat.tracker.metrics.MetricsServer;
import meshchat.wire.Ed25519;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code chat}: join a room and chat, on a terminal or through a pipe (--json for programs). */
@Command(
    name = "chat",
    description = "join a room and chat (the default)",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class)
public final class ChatCommand implements Callable<Integer> {
  static final InetSocketAddress DEFAULT_TRACKER =
      InetSocketAddress.createUnresolved("127.0.0.1", 7070);

  /** Each tracker is a session, a retry timer and a heartbeat: a handful is plenty. */
  static final int MAX_TRACKERS = 16;

  static final String NETTY_JFR = "io.netty.jfr.enabled";
  static final String NETTY_PID = "io.netty.processId";

  @Spec CommandSpec spec;

  @Option(names = "--nick", paramLabel = "NAME", description = "your name (default: $USER)")
  String nick;

  // each default is the field's value, for picocli and the fast path (ChatArgs) alike
  @Option(names = "--room", paramLabel = "ROOM", description = "room (default: ${DEFAULT-VALUE})")
  String room = "lobby";

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

  @Option(names = "--port", paramLabel = "N", description = "link port (default: any)")
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
      names = "--linger",
      paramLabel = "SECONDS",
      description =
          "at the end of piped input, wait up to this long until another peer holds every message"
              + " typed (default: ${DEFAULT-VALUE}; 0: leave at once)")
  int linger = 10;

  @Option(
      names = "--scrollback",
      paramLabel = "N",
      description =
          "messages of history shown at start and after a catch-up (default: ${DEFAULT-VALUE})")
  int scrollback = 20;

  @Option(
      names = "--author-quota",
      paramLabel = "SIZE",
      description =
          "most bytes of one other member's messages kept per rolling day, for its live lines and"
              + " again for its history: N, NK, NM or NG (KiB, MiB, GiB), or off (default:"
              + " ${DEFAULT-VALUE}; docs/security.md)")
  String authorQuota = "16M"; // RoomConfig.DEFAULT_AUTHOR_QUOTA_BYTES

  /** {@code --author-quota} in bytes: {@link Long#MAX_VALUE} for off; -1 if it does not parse. */
  static long quotaBytes(String value) {
    if (value.equals("off")) {
      return Long.MAX_VALUE;
    }
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("(0|[1-9][0-9]{0,9})([KMG]?)").matcher(value);
    if (!m.matches()) {
      return -1;
    }
    int shift =
        switch (m.group(2)) {
          case "K" -> 10;
          case "M" -> 20;
          case "G" -> 30;
          default -> 0;
        };
    long n = Long.parseLong(m.group(1));
    return n > (1L << 40) >> shift ? -1 : n << shift; // at most 1 TiB, or off
  }

  @Option(
      names = "--new-authors",
      paramLabel = "N",
      description =
          "most new members (keys this peer keeps nothing of) one address brings per rolling day"
              + " (the addresses of one IPv6 /48 together: 4 times that),"
              + " beyond what a newcomer's first links name: 0..1000000, or off (default:"
              + " ${DEFAULT-VALUE}; docs/security.md)")
  String newAuthors = "64"; // RoomConfig.DEFAULT_NEW_AUTHORS_PER_SOURCE

  /** {@code --new-authors}: {@code NewAuthors.OFF} for off; -1 if it does not parse. */
  static int newAuthorsPerSource(String value) {
    if (value.equals("off")) {
      return meshchat.peer.room.NewAuthors.OFF;
    }
    if (!value.matches("0|[1-9][0-9]{0,6}")) {
      return -1;
    }
    int n = Integer.parseInt(value);
    return n > 1_000_000 ? -1 : n;
  }

  /** How long alone in a private room before saying that nobody with this secret is here. */
  static final long ALONE_MS = 10_000;

  /** Exit code when the input ended and some typed message reached no other peer in time. */
  static final int UNDELIVERED = 3;

  /** Exit code when a line of piped input was refused (not UTF-8, too long): bad input. */
  static final int BAD_INPUT = 2;

  @Mixin MetricsOption metrics;

  /**
   * Where lines for the user go: picocli's error stream, or standard error when the command line
   * was read by the fast path ({@link ChatArgs}), which has no picocli model.
   */
  private PrintWriter err;

  /** For the fast path: a command whose flags {@link ChatArgs} has set, writing to {@code err}. */
  ChatCommand(PrintWriter err) {
    this.err = err;
    this.metrics = new MetricsOption();
  }

  /** For picocli. */
  public ChatCommand() {}

  /** What is wrong with the flags as set, in one line for the user; null if nothing is. */
  String invalid() {
    if (port < 0 || port > 65535) {
      return "port " + port + " is not 0..65535";
    }
    if (scrollback < 0 || scrollback > 10_000) {
      return "--scrollback must be 0..10000";
    }
    if (linger < 0) {
      return "--linger must be 0 or more seconds";
    }
    if (quotaBytes(authorQuota) < 0) {
      return "--author-quota must be N, NK, NM or NG (up to 1 TiB), or off; got " + authorQuota;
    }
    if (newAuthorsPerSource(newAuthors) < 0) {
      return "--new-authors must be 0..1000000, or off; got " + newAuthors;
    }
    String name = nick != null ? nick : defaultNick();
    if (name.isBlank() || name.length() > 32 || hasControl(name)) {
      return "nick must be 1..32 printable characters";
    }
    if (room.isBlank() || room.length() > 64) {
      return "room must be 1..64 characters";
    }
    if (noTracker && trackers != null) {
      return "--no-tracker and --tracker conflict";
    }
    if (trackers != null && new LinkedHashSet<>(trackers).size() > MAX_TRACKERS) {
      return "at most " + MAX_TRACKERS + " trackers, got " + trackers.size();
    }
    return null;
  }

  /** A loop, not a stream: a stream's first use spins lambda classes on every start's path. */
  private static boolean hasControl(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isISOControl(s.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  private PrintWriter err() {
    return err != null ? err : spec.commandLine().getErr();
  }

  @Override
  public Integer call() throws Exception {
    // a usage error: one line and exit code 2, as picocli's own are (PeerMain)
    String invalid = invalid();
    if (invalid != null) {
      err().println("meshchat: " + invalid);
      return 2;
    }
    // Bouncy Castle's Ed25519 tables, which the identity's load needs first (it derives the public
    // key to check the key files), are built beside the start's own file work
    Thread tables = new Thread(Ed25519::precompute, "key-tables");
    tables.setDaemon(true);
    tables.start();
    String name = nick != null ? nick : defaultNick();
    if (secretOption != null) {
      secret = ASK.equals(secretOption) ? RoomSecret.ask() : secretOption.toCharArray();
    }
    if (secret != null && secret.length == 0) {
      err().println("meshchat: the room secret is empty");
      return 2;
    }
    Path dir = data != null ? data : home().resolve(".meshchat").resolve(name);
    String tightened; // told once the dir is known usable: bad input stays one line
    Identity self;
    boolean newIdentity;
    DataDirLock lock;
    try {
      // owner-only: the key, and the history (a private room's in plaintext), live here
      tightened = RoomSecret.createPrivateDirectories(dir);
      if (!Files.isWritable(dir)) {
        throw new IOException("not writable");
      }
      // before anything in the dir is read or written: a second process would fork our seqs
      lock = DataDirLock.acquire(dir);
    } catch (DataDirLock.InUseException e) {
      err().println("meshchat: " + e.getMessage());
      return 2;
    } catch (IOException | IllegalArgumentException e) {
      err().println("meshchat: cannot use data dir " + dir + ": " + ErrorText.reason(e));
      return 2;
    }
    // before the first logger exists: log to <data>/peer.log, never to the terminal
    ChatLogging.select(dir.resolve("peer.log").toString());
    // Netty's allocator declares JFR events; registering them (each event's annotations read
    // through run-time proxies, a handler class spun per event) cost a start 100-250 ms of CPU
    // beside its first links. Nobody records a chat peer by default; -Dio.netty.jfr.enabled=true
    // in JAVA_OPTS brings them back.
    if (System.getProperty(NETTY_JFR) == null) {
      System.setProperty(NETTY_JFR, "false");
    }
    // Netty names its channels with the pid, which it asks of ProcessHandle (the JDK's process
    // reaper set up on the start's thread) unless told; the lock already read it from /proc
    long pid = DataDirLock.pid();
    if (System.getProperty(NETTY_PID) == null && pid > 0 && pid <= Integer.MAX_VALUE) {
      System.setProperty(NETTY_PID, Long.toString(pid)); // Netty reads an int; else it asks itself
    }
    char[] wiped = secret;
    secret = null;
    // logging, a private room's key and the history are made ready on a thread of their own
    // while this one loads or makes the identity (docs/benchmarks.md, "Fast start")
    try (lock;
        Opening opening = Opening.start(dir, room, wiped)) {
      try {
        newIdentity = !Files.exists(dir.resolve(KeyFiles.PRIVATE));
        self = KeyFiles.loadOrCreate(dir, line -> err().println("meshchat: " + line));
      } catch (IOException | IllegalArgumentException e) {
        err().println("meshchat: cannot use data dir " + dir + ": " + e.getMessage());
        return 2;
      }
      if (tightened != null) {
        err().println("meshchat: " + tightened);
      }
      // no logger before this: one asked for on a second thread while SLF4J initialises gets a
      // stand-in, and SLF4J says so on stderr
      opening.loggingReady();
      // The links' TLS (a certificate key, the certificate, BoringSSL's contexts) is made on a
      // thread of its own once the peer listens: no link needs it before then (one dialed to the
      // peer waits in the socket's backlog until it is made), and made earlier it took CPU from
      // the start's own way to ready on a two-core box (docs/benchmarks.md, "Fast start").
      CompletableFuture<Void> listening = new CompletableFuture<>();
      LinkTls tls =
          LinkTls.inBackground(
              self,
              task ->
                  listening.thenRun(
                      () -> {
                        Thread t = new Thread(task, "tls-setup");
                        t.setDaemon(true);
                        t.start();
                      }));
      // written on leaving too: a nick first seen just before quitting is remembered
      try (KnownNicks known = KnownNicks.open(dir, line -> err().println("meshchat: " + line))) {
        return chat(dir, name, self, newIdentity, known, tls, listening, opening);
      } finally {
        listening.complete(null); // a start that failed before listening: nothing waits for it
      }
    }
  }

  private int chat(
      Path dir,
      String name,
      Identity self,
      boolean newIdentity,
      KnownNicks known,
      LinkTls tls,
      CompletableFuture<Void> listening,
      Opening opening)
      throws Exception {
    boolean terminal = System.console() != null && !json;
    TerminalConsole term = terminal ? new TerminalConsole(dir.resolve("input-history")) : null;
    LineConsole lines = terminal ? null : new LineConsole(System.out, !json);
    // the room thread prints every line it delivers: never to a reader that may stop reading
    ScreenQueue screen = new ScreenQueue(terminal ? term : lines, json);
    ChatView view =
        new ChatView(screen, json, room, scrollback, known.book(), InstantSource.system());
    if (term != null) {
      term.prompt(view::prompt);
      term.nicks(() -> view.nicks().values());
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
            .with(
                d -> {
                  d.peerCache = dir.resolve("peers");
                  long quota = quotaBytes(authorQuota);
                  int fresh = newAuthorsPerSource(newAuthors);
                  d.roomConfig =
                      d.roomConfig.with(
                          r -> {
                            r.authorQuotaBytes = quota;
                            r.newAuthorsPerSource = fresh;
                          });
                });
    RoomKey key = opening.roomKey(); // a private room's history is kept under its room id
    if (key != null) {
      config = config.withRoomKey(key);
      view.privateRoom(fingerprint(config.room()));
    }
    // the peer's threads come up while the history still opens
    PeerGroups groups = PeerGroups.single();
    MessageStore store;
    try {
      store = opening.store();
    } catch (RuntimeException | Error e) {
      groups.close();
      throw e;
    }
    PeerNode node;
    try {
      node = NodeAssembly.start(config, store, groups, view, newIdentity, tls);
      listening.complete(null);
    } catch (IOException e) {
      listening.complete(null);
      err().println("meshchat: " + e.getMessage());
      groups.close();
      store.close();
      return 2;
    }
    if (config.roomKey() != null) {
      aloneNotice(node, view);
    }
    MetricsServer served = null;
    InetSocketAddress metricsAt = metrics.address();
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
                InstantSource.system(),
                "[" + node.self().shortHex() + "]");
    Thread hook =
        new Thread(
            () -> {
              leave(lan, node);
              known.close(); // the main thread may never get to it
              shown(screen);
            },
            "leave");
    Runtime.getRuntime().addShutdownHook(hook); // SIGTERM and Ctrl-C leave cleanly too
    Commands commands = new Commands(node, view, screen, json);
    int code = 0;
    try {
      if (term != null) {
        term.run(commands);
        code = stored(view); // Ctrl-D or /quit right after typing: the lines are kept first
      } else {
        LineConsole.Ended ended = lines.run(System.in, commands);
        // /quit leaves without lingering, but never before the lines typed are stored: a script
        // that ended with /quit after a restart lost every line (rev38 FINDING-4)
        code = ended.eof() ? lingered(view) : stored(view);
        if (ended.refused() > 0) {
          err()
              .println(
                  "meshchat: "
                      + plural(ended.refused(), "line")
                      + " of the input not sent (not UTF-8, or longer than 1 MiB): see the"
                      + " errors above");
          err().flush();
          code = code == 0 ? BAD_INPUT : code;
        }
      }
    } finally {
      if (served != null) {
        served.close();
      }
      leave(lan, node); // sends everything queued, then Close LEAVING; unregisters
      groups.close();
      shown(screen);
      if (term != null) {
        term.close();
      }
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // already shutting down
      }
    }
    return code;
  }

  /** The longest leaving waits for the lines still queued for the screen to be read. */
  private static final long SCREEN_WAIT_MS = 5_000;

  /** Shows what waits for the screen, unless its reader has stopped for good. */
  private static void shown(ScreenQueue screen) {
    try {
      screen.close(SCREEN_WAIT_MS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The longest leaving waits for the lines typed to be stored and shown. */
  private static final long STORE_WAIT_MS = 60_000;

  /** Lines not stored by then are named on the screen while leaving waits for them. */
  private static final long SAY_STORING_MS = 250;

  /**
   * Whatever way the input ended, and whatever --linger says, the lines typed are stored before we
   * leave. After a restart the first own line waits for the self-fork check (storage.md); input
   * that ended before it was done left at once, and every line piped in was lost with exit 0
   * (session 37 for the end of input, rev38 FINDING-4 for /quit and the terminal).
   */
  private int stored(ChatView view) throws InterruptedException {
    DeliveryWatch watch = view.watch();
    int typed = watch.sentCount();
    if (watch.awaitShown(SAY_STORING_MS)) {
      return 0;
    }
    view.info("storing " + plural(watch.pending(), "line") + " typed before leaving");
    if (!watch.awaitShown(STORE_WAIT_MS)) {
      err()
          .println(
              "meshchat: "
                  + watch.pending()
                  + " of "
                  + plural(typed, "line")
                  + " typed were not stored within "
                  + STORE_WAIT_MS / 1000
                  + " s; they are lost: send them again");
      err().flush();
      return UNDELIVERED;
    }
    return 0;
  }

  /**
   * The input ended: once the lines typed are stored, waits until another peer holds every message
   * typed, as its digests show, or until {@code --linger} runs out. A script that ends right after
   * its last line still delivers.
   */
  private int lingered(ChatView view) throws InterruptedException {
    int code = stored(view);
    DeliveryWatch watch = view.watch();
    int typed = watch.sentCount();
    if (code != 0 || typed == 0 || linger == 0 || watch.undelivered() == 0) {
      return code;
    }
    view.info(
        "waiting up to " + linger + " s until another peer holds " + plural(typed, "message"));
    if (watch.awaitDelivered(linger * 1000L)) {
      return 0;
    }
    err()
        .println(
            "meshchat: "
                + watch.undelivered()
                + " of "
                + plural(typed, "message")
                + " reached no other peer within "
                + linger
                + " s; they stay stored and go out the next time this peer meets the room");
    err().flush();
    return UNDELIVERED;
  }

  /** {@code c429·31a5}: the first 8 hex digits of a private room's id, easy to read out. */
  static String fingerprint(String roomId) {
    String hex = roomId.startsWith("p-") ? roomId.substring(2) : roomId;
    return hex.substring(0, 4) + "·" + hex.substring(4, 8);
  }

  /**
   * A wrong secret lands in a room of its own, silently, like any other secret: after a while
   * alone, say so once, so that a typo is not mistaken for an empty room.
   */
  private static void aloneNotice(PeerNode node, ChatView view) {
    Thread t =
        new Thread(
            () -> {
              try {
                Thread.sleep(ALONE_MS);
              } catch (InterruptedException e) {
                return;
              }
              if (view.peerCount() == 0 && !node.isClosed()) {
                view.info(
                    "nobody with this secret is here yet: the others see key "
                        + fingerprint(node.config().room())
                        + " in their prompt if they use the same room and secret");
              }
            },
            "alone-notice");
    t.setDaemon(true);
    t.start();
  }

  /** On SIGTERM or SIGINT: Close to every link, unregister; a failure is a line, not a trace. */
  private static String plural(int n, String what) {
    return n + " " + what + (n == 1 ? "" : "s");
  }

  /** {@code $USER}, else {@code anon} (cron and some containers set no USER). */
  static String defaultNick() {
    String user = System.getenv("USER");
    return user == null || user.isBlank() ? "anon" : user;
  }

  /** {@code $HOME} decides where data lives, as for every Unix tool; Java's user.home if unset. */
  static Path home() {
    String home = System.getenv("HOME");
    return Path.of(home == null || home.isBlank() ? System.getProperty("user.home") : home);
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
    try {
      node.close();
    } catch (RuntimeException e) {
      // on SIGTERM too: a line, not a trace
      System.err.println("meshchat: leaving: " + ErrorText.reason(e));
    }
    if (goodbye != null) {
      try {
        goodbye.join(3_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
