package meshchat.testkit.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sim} shows progress on stderr only when stderr is a terminal: a real pty (util-linux
 * {@code script}, part of every Debian), a plain pipe, and {@code --quiet}.
 */
class SimProgressTerminalTest {
  private static final String SIM =
      "sim --peers 10 --messages 10 --seed 3 --loss 0.05 --progress-every 1";

  @Test
  void aTerminalGetsAProgressLine(@TempDir Path dir) throws Exception {
    String screen = inPty(SIM, dir);
    assertThat(screen).contains("sim: ", " s virtual", " events", " deliveries", " elapsed");
    assertThat(screen).contains("convergence"); // the summary still follows
  }

  @Test
  void quietTurnsItOff(@TempDir Path dir) throws Exception {
    String screen = inPty(SIM + " --quiet", dir);
    assertThat(screen).doesNotContain("sim: ").contains("convergence");
  }

  @Test
  void aPipeGetsNoProgress(@TempDir Path dir) throws Exception {
    Path err = dir.resolve("err");
    Process p =
        new ProcessBuilder(javaCommand(SIM.split(" ")))
            .redirectError(err.toFile())
            .redirectOutput(dir.resolve("out").toFile())
            .start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    assertThat(Files.readString(err)).doesNotContain("sim: ").contains("wall time");
  }

  private static String inPty(String args, Path dir) throws Exception {
    String command =
        String.join(" ", javaCommand(args.split(" ")).stream().map(a -> "'" + a + "'").toList());
    Path typescript = dir.resolve("screen");
    Process p =
        new ProcessBuilder("script", "-q", "-e", "-f", "-c", command, typescript.toString())
            .redirectInput(ProcessBuilder.Redirect.PIPE)
            .redirectOutput(dir.resolve("script.out").toFile())
            .redirectErrorStream(true)
            .start();
    p.getOutputStream().close();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    String screen = Files.readString(typescript, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(screen).isZero();
    return screen;
  }

  private static List<String> javaCommand(String... args) {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                java, "-cp", System.getProperty("java.class.path"), TestkitMain.class.getName()));
    cmd.addAll(List.of(args));
    return cmd;
  }
}
