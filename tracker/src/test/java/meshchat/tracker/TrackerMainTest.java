package meshchat.tracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TrackerMainTest {

  private record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = TrackerMain.run(args, new PrintWriter(out), new PrintWriter(err));
    return new Run(code, out.toString(), err.toString());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "--port notaport",
        "--port 70000",
        "--no-such-flag",
        "tracker --port -1",
        "--heartbeat-ms 100 --ttl-ms 50",
        "--port 0 --io-threads 0",
        "--port 0 --io-threads 2147483647"
      })
  void aBadFlagIsOneLineOnStderrAndExitCodeTwo(String args) {
    Run r = run(args.split(" "));

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err().strip()).doesNotContain("\n").startsWith("tracker: ");
    assertThat(r.err()).doesNotContain("Exception", "\tat ");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void anAddressInUseIsOneLineAndExitCodeTwo() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Run r = run("tracker", "--bind", "127.0.0.1", "--port", String.valueOf(taken.getLocalPort()));

      assertThat(r.code()).isEqualTo(2);
      assertThat(r.err().strip()).doesNotContain("\n").contains("cannot listen on");
    }
  }

  /**
   * session 37: --io-threads 2147483647 made the start allocate the threads' array and exit with
   * "out of memory: give it more heap"; 1025 started 1025 threads. Refused in the config, before
   * any thread.
   */
  @Test
  void tooManyIoThreadsAreRefusedBeforeAnyIsMade() {
    assertThatThrownBy(() -> TrackerConfig.defaults().with(d -> d.ioThreads = 1025))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("io threads must be 1..1024, got 1025");
    assertThat(TrackerConfig.defaults().with(d -> d.ioThreads = 1024).ioThreads()).isEqualTo(1024);
  }

  @Test
  void helpExitsZero() {
    Run r = run("tracker", "--help");
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("--port", "--ttl-ms");
  }

  @Test
  void asARealProcessItPrintsWhereItListensAndAcceptsConnections() throws Exception {
    Process p =
        ChildJvm.java(TrackerMain.class, "tracker", "--bind", "127.0.0.1", "--port", "0")
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      List<String> lines = new ChildJvm(p).out;
      await().atMost(Duration.ofSeconds(20)).until(() -> !lines.isEmpty());
      assertThat(lines.get(0)).matches("tracker listening on 127\\.0\\.0\\.1:\\d+");
      int port = Integer.parseInt(lines.get(0).substring(lines.get(0).lastIndexOf(':') + 1));
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
        assertThat(s.isConnected()).isTrue();
      }
      p.destroy(); // SIGTERM: the shutdown hook closes the server
      assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    } finally {
      p.destroyForcibly();
    }
  }
}
