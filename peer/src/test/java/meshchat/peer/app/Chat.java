package meshchat.peer.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import meshchat.tracker.ChildJvm;

/**
 * One {@code chat} child process, as a program or a person on a pipe uses it: stdin to type into,
 * every stdout line kept as it arrives (JSON events with {@code --json}, the plain lines without).
 * Started by {@link ChatProcesses}.
 */
public final class Chat {
  public final Process process;
  public final PrintStream in;
  public final List<String> out;
  private final Thread reader;
  private final Path stderr; // null: not kept

  Chat(Process p, Path stderr) {
    ChildJvm child = new ChildJvm(p);
    process = p;
    in = child.in;
    out = child.out;
    reader = child.reader;
    this.stderr = stderr;
  }

  /** What it wrote to stderr so far, for a failure message. */
  public String stderr() throws IOException {
    return stderr == null || !Files.exists(stderr) ? "" : Files.readString(stderr);
  }

  /** Lines seen so far that contain {@code fragment}. */
  public long count(String fragment) {
    return out.stream().filter(l -> l.contains(fragment)).count();
  }

  /** Lines seen so far that contain every one of {@code fragments}. */
  public long count(String... fragments) {
    return out.stream().filter(l -> Arrays.stream(fragments).allMatch(l::contains)).count();
  }

  /** Whether the JSON {@code ready} event has come. */
  public boolean ready() {
    return out.stream().anyMatch(l -> l.contains("\"event\":\"ready\""));
  }

  /** The peer id its JSON {@code ready} event names. */
  public String peerId() {
    return readyField("peer", "[0-9a-f]+");
  }

  /** The link port its JSON {@code ready} event names. */
  public int port() {
    return Integer.parseInt(readyField("port", "\\d+"));
  }

  private String readyField(String name, String value) {
    String ready =
        out.stream()
            .filter(l -> l.contains("\"event\":\"ready\""))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no ready event yet: " + out));
    return ready.replaceAll(".*\"" + name + "\":\"?(" + value + ")\"?[,}].*", "$1");
  }

  /** kill -9, and wait until it is dead and everything it printed is read. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("dead after SIGKILL").isTrue();
    reader.join(30_000);
  }

  /** Ends its input (EOF: it leaves cleanly) and waits for it to exit; returns the exit code. */
  public int leave() throws InterruptedException {
    in.close();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("exited after EOF").isTrue();
    return process.exitValue();
  }
}
