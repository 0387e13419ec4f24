package meshchat.tracker;

import static org.assertj.core.api.Assertions.assertThat;
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
        "--heartbeat-ms 100 --ttl-ms 50"
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
