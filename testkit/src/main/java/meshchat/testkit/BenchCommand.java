package meshchat.testkit;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/** {@code meshchat bench}: the real-socket benchmarks. A placeholder until they land. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Runs the real-socket benchmarks and prints JSON lines.")
public final class BenchCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().getOut().println("no benchmarks selected; see --help");
    return 0;
  }
}
