package meshchat.testkit.app;

import java.util.concurrent.Callable;
import meshchat.peer.app.ChatCommand;
import meshchat.peer.app.HistoryCommand;
import meshchat.tracker.TrackerMain;
import meshchat.tracker.Version;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code meshchat completion bash|zsh}: picocli's completion script for every command the launcher
 * runs, built from the commands themselves so it never misses a flag. It lives in the testkit jar,
 * the only one that holds all five commands. The script runs in bash and, through bashcompinit, in
 * zsh.
 */
@Command(
    name = "completion",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = {
      "Prints a shell completion script. Load it with",
      "  source <(./meshchat completion bash)     # bash, e.g. in ~/.bashrc",
      "  source <(./meshchat completion zsh)      # zsh, e.g. in ~/.zshrc"
    })
public final class CompletionCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "SHELL", description = "bash or zsh")
  String shell;

  /** The launcher's command tree: what {@code ./meshchat} accepts. */
  @Command(name = "meshchat", mixinStandardHelpOptions = true, versionProvider = Version.class)
  static final class Launcher {}

  @Override
  public Integer call() {
    if (!shell.equals("bash") && !shell.equals("zsh")) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "unknown shell '" + shell + "': bash or zsh");
    }
    CommandLine all =
        new CommandLine(new Launcher())
            .addSubcommand(new ChatCommand())
            .addSubcommand(new HistoryCommand())
            .addSubcommand(new TrackerMain())
            .addSubcommand(new SimCommand())
            .addSubcommand(new BenchCommand());
    spec.commandLine().getOut().print(AutoComplete.bash("meshchat", all));
    spec.commandLine().getOut().flush();
    return 0;
  }
}
