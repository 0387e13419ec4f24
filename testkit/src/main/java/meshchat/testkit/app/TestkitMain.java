package meshchat.testkit.app;

import java.io.PrintWriter;
import meshchat.peer.app.PeerMain;
import meshchat.tracker.OutOfMemoryExit;
import meshchat.tracker.Version;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the testkit jar: {@code java -jar testkit.jar sim|bench [flags]}. */
@Command(
    name = "meshchat",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    subcommands = {SimCommand.class, BenchCommand.class, CompletionCommand.class},
    description = "meshchat testkit: seeded simulation and benchmarks.")
public final class TestkitMain implements Runnable {
  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  /** Runs the command line; returns the exit status (0 ok, 1 invariant failed, 2 bad flags). */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cl = new CommandLine(new TestkitMain());
    cl.setOut(out);
    cl.setErr(err);
    // after the benchmark's name, every word is its own flag: the benchmark parses them
    cl.getSubcommands().get("bench").setStopAtPositional(true);
    // Bad flags: one line naming the problem, never a stack trace.
    cl.setParameterExceptionHandler(
        (ex, a) -> {
          String cmd = ex.getCommandLine().getCommandName();
          String who = cmd.equals("meshchat") ? "meshchat" : "meshchat " + cmd;
          ex.getCommandLine().getErr().println(who + ": " + ex.getMessage());
          ex.getCommandLine().getErr().flush();
          return 2;
        });
    return cl.execute(args);
  }

  public static void main(String[] args) {
    PeerMain.nettyDefaults(); // before any Netty class loads: the benches measure a peer's process
    OutOfMemoryExit.install(
        args.length > 0 && !args[0].startsWith("-") ? "meshchat " + args[0] : "meshchat");
    int code = run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    System.exit(code);
  }
}
