package meshchat.peer.app;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code history}: prints a data dir's history offline. A stub until the SQLite store lands. */
@Command(
    name = "history",
    description = "print a data dir's history, offline",
    mixinStandardHelpOptions = true)
public final class HistoryCommand implements Callable<Integer> {
  @Option(
      names = "--data",
      required = true,
      paramLabel = "DIR",
      description = "the peer's data dir")
  Path data;

  @Option(
      names = "--room",
      defaultValue = "lobby",
      paramLabel = "ROOM",
      description = "room (default: ${DEFAULT-VALUE})")
  String room;

  @Option(names = "--json", description = "one JSON object per message")
  boolean json;

  @Option(
      names = "--limit",
      defaultValue = "100",
      paramLabel = "N",
      description = "last N messages (default: ${DEFAULT-VALUE})")
  int limit;

  @Override
  public Integer call() {
    System.err.println("history is not available yet");
    return 1;
  }
}
