package meshchat.testkit.app;

import java.io.PrintWriter;
import java.io.StringWriter;

/** One run of the testkit's command line in process: its exit code, stdout and stderr. */
public record CliRun(int code, String out, String err) {
  /** Runs {@code meshchat ARGS} as the launcher would, capturing both streams. */
  public static CliRun run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = TestkitMain.run(new PrintWriter(out), new PrintWriter(err), args);
    return new CliRun(code, out.toString(), err.toString());
  }
}
