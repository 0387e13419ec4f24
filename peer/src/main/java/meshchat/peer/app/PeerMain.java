package meshchat.peer.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code java -jar peer.jar history [flags]}. A minimal entry point from the store branch: the full
 * one (chat as the default command) lives on the link branch and supersedes this file.
 */
@Command(
    name = "meshchat",
    mixinStandardHelpOptions = true,
    version = "meshchat 0.1.0",
    description = "Peer-to-peer group chat.",
    subcommands = {HistoryCommand.class})
public final class PeerMain {
  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String[] args) {
    CommandLine cli = new CommandLine(new PeerMain());
    cli.setParameterExceptionHandler(
        (e, a) -> {
          e.getCommandLine().getErr().println("meshchat: " + oneLine(e.getMessage()));
          return CommandLine.ExitCode.USAGE;
        });
    cli.setExecutionExceptionHandler(
        (e, c, p) -> {
          c.getErr().println("meshchat: " + oneLine(String.valueOf(e.getMessage())));
          return CommandLine.ExitCode.SOFTWARE;
        });
    return cli.execute(args);
  }

  private static String oneLine(String s) {
    return s.replace('\n', ' ').replace('\r', ' ').strip();
  }
}
