package meshchat.peer.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import meshchat.fixture.netty.ReservedPort;
import meshchat.peer.identity.Identity;
import meshchat.peer.message.LinkMessage.PeerAddress;
import meshchat.peer.message.PeerId;
import meshchat.peer.runtime.PeerConfig;
import meshchat.peer.runtime.PeerGroups;
import meshchat.peer.runtime.PeerListener;
import meshchat.peer.runtime.PeerNode;
import meshchat.peer.store.memory.InMemoryMessageStore;
import meshchat.proto.v1.Member;
import meshchat.tracker.ChildJvm;
import meshchat.tracker.TrackerConfig;
import meshchat.tracker.TrackerServer;
import meshchat.tracker.client.TrackerClient;
import meshchat.tracker.client.TrackerListener;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import picocli.CommandLine;

/**
 * The process tests' one fixture, registered per test with {@code @RegisterExtension}: a temp dir
 * holding every data dir, an in-process tracker (started when first needed), {@code chat} child
 * processes (through pipes or on a pseudo-terminal), in-process peers to talk to them, and the
 * offline history of a data dir. After each test every child is killed (with what it started),
 * every peer, the tracker and every reserved port are closed, and the dir is removed.
 */
public final class ChatProcesses implements BeforeEachCallback, AfterEachCallback {
  /** How long to wait for what a child JVM does: a JVM start takes 20 s on a loaded box. */
  public static final Duration WAIT = Duration.ofSeconds(60);

  private final List<Chat> chats = new CopyOnWriteArrayList<>();
  private final List<Process> processes = new CopyOnWriteArrayList<>();
  private final List<AutoCloseable> closing = new CopyOnWriteArrayList<>();
  private Path dir;
  private TrackerServer tracker;
  private PeerGroups groups;

  @Override
  public void beforeEach(ExtensionContext context) throws IOException {
    dir = Files.createTempDirectory("meshchat-processes");
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    if (context.getExecutionException().isPresent()) {
      tellWhatEachChatPrinted(); // a failure in CI then says what the children saw
    }
    chats.forEach(c -> processes.add(c.process));
    for (Process p : processes) {
      p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
    for (Process p : processes) {
      p.waitFor(10, TimeUnit.SECONDS); // dead before its files go
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // a temp dir left behind is harmless
    }
  }

  private static final int TAIL = 40;

  /**
   * The last lines each live chat (and the last one started) printed, its stderr's, and each
   * peer.log's.
   */
  private void tellWhatEachChatPrinted() {
    for (int i = 0; i < chats.size(); i++) {
      Chat c = chats.get(i);
      if (!c.process.isAlive() && i != chats.size() - 1) {
        continue; // a test that kills chats on purpose has many dead ones: the living tell more
      }
      List<String> out = List.copyOf(c.out);
      System.out.printf(
          "--- chat %d (%s), last %d of %d lines out:%n",
          i, c.process.isAlive() ? "alive" : "exited", Math.min(TAIL, out.size()), out.size());
      out.subList(Math.max(0, out.size() - TAIL), out.size()).forEach(System.out::println);
      try {
        List<String> err = c.stderr().lines().toList();
        System.out.printf("--- chat %d, last lines of stderr:%n", i);
        err.subList(Math.max(0, err.size() - TAIL), err.size()).forEach(System.out::println);
      } catch (IOException | RuntimeException e) {
        System.out.printf("--- chat %d, stderr unreadable: %s%n", i, e);
      }
    }
    try (Stream<Path> logs = Files.walk(dir, 2)) {
      for (Path log : logs.filter(f -> f.endsWith("peer.log")).sorted().toList()) {
        List<String> lines = Files.readAllLines(log);
        System.out.printf("--- %s, last %d lines:%n", dir.relativize(log), TAIL);
        lines.subList(Math.max(0, lines.size() - TAIL), lines.size()).forEach(System.out::println);
      }
    } catch (IOException | UncheckedIOException e) {
      System.out.println("--- peer logs unreadable: " + e);
    }
  }

  /** Where every data dir is: {@code dir()/NICK}. */
  public Path dir() {
    return dir;
  }

  /** Starts the tracker on {@code port}, freeing it the moment before. */
  public void startTracker(ReservedPort port) throws IOException {
    port.close();
    start(TrackerConfig.localTest().with(d -> d.port = port.port()));
  }

  private void start(TrackerConfig config) throws IOException {
    if (tracker != null) {
      throw new IllegalStateException("the tracker is already up");
    }
    tracker = TrackerServer.start(config);
    closing.add(tracker);
  }

  /** The in-process tracker; it starts, on a free loopback port, on first use. */
  public TrackerServer tracker() {
    if (tracker == null) {
      try {
        start(TrackerConfig.localTest());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return tracker;
  }

  public int trackerPort() {
    return tracker().localAddress().getPort();
  }

  /** A loopback port nobody answers on, held until the test ends (or the server binds it). */
  public ReservedPort reservePort() {
    ReservedPort p = ReservedPort.any();
    closing.add(p);
    return p;
  }

  /** {@code chat --json --nick NICK} on the tracker, with its data dir in {@link #dir()}. */
  public Chat chat(String nick, String... more) throws IOException {
    return chat(dir, nick, trackerPort(), more);
  }

  /** {@code chat --json} with the data dir {@code root/NICK}, told tracker port {@code tracker}. */
  public Chat chat(Path root, String nick, int tracker, String... more) throws IOException {
    List<String> args = new ArrayList<>(List.of("--json"));
    args.addAll(List.of(more));
    return start(root, nick, tracker, args);
  }

  /** JSON chats {@code nicks} on the tracker, once each has a link up to every other one. */
  public List<Chat> linked(Duration wait, String... nicks) throws IOException {
    List<Chat> room = new ArrayList<>();
    for (String nick : nicks) {
      room.add(chat(nick));
    }
    for (Chat c : room) {
      await().atMost(wait).until(() -> c.count("\"event\":\"peer-up\"") == nicks.length - 1);
    }
    return room;
  }

  /** The chat without {@code --json}, through pipes: the lines a person would see. */
  public Chat plain(String nick, String... more) throws IOException {
    return start(dir, nick, trackerPort(), List.of(more));
  }

  private Chat start(Path root, String nick, int trackerPort, List<String> more)
      throws IOException {
    List<String> args =
        new ArrayList<>(
            List.of(
                "chat",
                "--nick",
                nick,
                "--tracker",
                "127.0.0.1:" + trackerPort,
                "--data",
                root.resolve(nick).toString()));
    args.addAll(more);
    Path err = root.resolve(nick + ".err");
    Files.createDirectories(root);
    return start(
        java(args.toArray(String[]::new))
            .redirectError(ProcessBuilder.Redirect.appendTo(err.toFile())),
        err);
  }

  /**
   * {@code nick}'s chat with {@code --json}, no tracker, any port, data in {@code dir()/nick},
   * started and ready: a peer that raw links dial at {@link Chat#port()}.
   */
  public Chat alone(String nick) throws IOException {
    String data = dir.resolve(nick).toString();
    Chat c =
        start(
            java("chat", "--no-tracker", "--json", "--nick", nick, "--port", "0", "--data", data)
                .redirectError(ProcessBuilder.Redirect.DISCARD),
            null);
    await().atMost(WAIT).until(c::ready);
    return c;
  }

  /** Starts {@code pb} as a chat this fixture ends; {@code stderr} is where it writes, if kept. */
  public Chat start(ProcessBuilder pb, Path stderr) throws IOException {
    Chat c = new Chat(pb.start(), stderr);
    chats.add(c);
    return c;
  }

  /**
   * PeerMain in a child JVM. A {@code chat} gets {@code --no-lan}: without it, chats of tests that
   * run at the same time on one machine find each other's "lobby" by mDNS and join it. The LAN
   * test, in network namespaces of its own, uses {@link #javaOnTheLan}.
   */
  public static ProcessBuilder java(String... args) {
    if (args.length > 0 && args[0].equals("chat")) {
      List<String> withoutLan = new ArrayList<>(List.of(args));
      withoutLan.add(1, "--no-lan");
      args = withoutLan.toArray(String[]::new);
    }
    return ChildJvm.java(PeerMain.class, args);
  }

  /** How a {@link #piped} chat ended: its exit status, and what it wrote to stdout and stderr. */
  public record Piped(int exit, String out, String err) {}

  /**
   * {@code chat --nick ann --no-tracker --linger 0} on {@code data}, in a child JVM, fed {@code
   * input} on stdin (then closed), waited for until it exits; its output goes through files beside
   * {@code data}.
   */
  public static Piped piped(Path data, byte[] input) throws Exception {
    Path out = Files.createTempFile(data.getParent(), "out", ".txt");
    Path err = Files.createTempFile(data.getParent(), "err", ".txt");
    Process p =
        java("chat", "--nick", "ann", "--no-tracker", "--data", data.toString(), "--linger", "0")
            .redirectOutput(ProcessBuilder.Redirect.to(out.toFile()))
            .redirectError(ProcessBuilder.Redirect.to(err.toFile()))
            .start();
    try (OutputStream in = p.getOutputStream()) {
      in.write(input);
    } catch (IOException gone) {
      // it left before reading: its exit and error say why
    }
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new Piped(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  /** PeerMain in a child JVM, LAN discovery as the user gets it. */
  public static ProcessBuilder javaOnTheLan(String... args) {
    return ChildJvm.java(PeerMain.class, args);
  }

  /**
   * The whole command line of {@code chat --nick NICK} on the tracker, data dir in {@link #dir}.
   */
  public List<String> chatCommand(String nick) {
    return chatCommand(nick, trackerPort());
  }

  /** As {@link #chatCommand(String)}, told tracker port {@code tracker}; a list to add to. */
  public List<String> chatCommand(String nick, int tracker) {
    String data = dir.resolve(nick).toString();
    List<String> cmd = new ArrayList<>(java("chat", "--nick", nick).command());
    cmd.addAll(List.of("--tracker", "127.0.0.1:" + tracker, "--data", data));
    return cmd;
  }

  /**
   * {@code cmd} on a pseudo-terminal of {@code cols} columns made by script(1), as xterm: a pipe
   * has no size, and JLine squeezes its prompt into no columns.
   */
  public static ProcessBuilder onPty(List<String> cmd, int cols) {
    StringBuilder line = new StringBuilder("stty cols " + cols + " rows 40; exec");
    for (String a : cmd) {
      line.append(" '").append(a.replace("'", "'\\''")).append('\'');
    }
    ProcessBuilder pb = new ProcessBuilder("script", "-qfec", line.toString(), "/dev/null");
    pb.environment().put("TERM", "xterm-256color");
    return pb.redirectErrorStream(true);
  }

  /** Starts {@code pb}, a process this fixture ends. */
  public Process spawn(ProcessBuilder pb) throws IOException {
    Process p = pb.start();
    processes.add(p);
    return p;
  }

  /** Starts {@code pb}, a process this fixture ends, and collects what it prints. */
  public Screen screen(ProcessBuilder pb) throws IOException {
    return new Screen(spawn(pb));
  }

  /** Everything a process prints, bytes as they come, collected by a daemon thread. */
  public static final class Screen {
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
    public final Process process;
    public final OutputStream stdin;

    Screen(Process p) {
      process = p;
      stdin = p.getOutputStream();
      Thread t =
          new Thread(
              () -> {
                byte[] b = new byte[8192];
                try (InputStream in = p.getInputStream()) {
                  for (int n; (n = in.read(b)) > 0; ) {
                    synchronized (buf) {
                      buf.write(b, 0, n);
                    }
                  }
                } catch (IOException e) {
                  // the process ended
                }
              },
              "screen");
      t.setDaemon(true);
      t.start();
    }

    /**
     * Types {@code keys} at once, as one write. A process that has ended fails the test with its
     * exit code and screen, not a bare "Stream closed".
     */
    public void type(String keys) throws IOException {
      try {
        stdin.write(keys.getBytes(StandardCharsets.UTF_8));
        stdin.flush();
      } catch (IOException e) {
        if (process.isAlive()) {
          throw e;
        }
        throw new AssertionError(
            "the process ended (exit "
                + process.exitValue()
                + ") before it was typed at; its screen:\n"
                + text(),
            e);
      }
    }

    public byte[] bytes() {
      synchronized (buf) {
        return buf.toByteArray();
      }
    }

    public String text() {
      return new String(bytes(), StandardCharsets.UTF_8);
    }
  }

  /** An in-process peer in "lobby", on the tracker, with an in-memory store. */
  public PeerNode peer(String nick) {
    return peer(nick, trackerPort());
  }

  /** An in-process peer in "lobby", told tracker port {@code tracker}, in-memory store. */
  public PeerNode peer(String nick, int tracker) {
    if (groups == null) {
      groups = PeerGroups.create(1, 1);
      closing.add(groups);
    }
    PeerConfig c =
        PeerConfig.of("lobby", nick, Identity.generate())
            .withTracker(new InetSocketAddress("127.0.0.1", tracker), false)
            .withTrackerRetry(50, 500);
    try {
      PeerNode n = NodeAssembly.start(c, new InMemoryMessageStore(), groups, new PeerListener() {});
      closing.add(n);
      return n;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * An in-process peer in "lobby" that registers nowhere (the tracker refuses a nick with control
   * characters, and a hostile peer need not register) and dials every member the tracker lists.
   */
  public PeerNode peerDialingMembers(String nick) throws Exception {
    if (groups == null) {
      groups = PeerGroups.create(1, 1);
      closing.add(groups);
    }
    PeerNode n =
        NodeAssembly.start(
            PeerConfig.of("lobby", nick, Identity.generate()),
            new InMemoryMessageStore(),
            groups,
            new PeerListener() {});
    closing.add(n);
    TrackerClient c =
        TrackerClient.connect(
                new InetSocketAddress("127.0.0.1", trackerPort()),
                groups.io(),
                new TrackerListener() {})
            .get(10, TimeUnit.SECONDS);
    closing.add(c);
    List<Member> members = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              members.clear();
              members.addAll(c.lookup("lobby").get(10, TimeUnit.SECONDS).getMembersList());
              return !members.isEmpty();
            });
    for (Member m : members) {
      n.dial(
          new PeerAddress(
              PeerId.of(m.getPeerId().toByteArray()), m.getNick(), m.getHost(), m.getPort()));
    }
    return n;
  }

  /** {@code history --json} of {@code NICK}'s data dir, run in process. */
  public String history(String nick) {
    return history(dir.resolve(nick), "--json");
  }

  /** {@code history} of {@code dataDir} with {@code flags}, run in process; it must exit 0. */
  public static String history(Path dataDir, String... flags) {
    List<String> args = new ArrayList<>(List.of("--data", dataDir.toString()));
    args.addAll(List.of(flags));
    StringWriter out = new StringWriter();
    int code =
        new CommandLine(new HistoryCommand())
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(new StringWriter(), true))
            .execute(args.toArray(String[]::new));
    assertThat(code).isZero();
    return out.toString();
  }
}
