package meshchat.peer.app;

import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import meshchat.tracker.metrics.MetricsAddress;
import meshchat.tracker.metrics.MetricsOption;
import meshchat.tracker.net.HostPorts;

/**
 * The fast path of a chat start: reads a plain {@code chat} command line without picocli, whose
 * first use costs a start 100–300 ms (it reads the commands' annotations, and each annotation type
 * becomes a proxy class spun at run time, which no class-data archive can hold).
 *
 * <p>It only takes what it is sure of: each flag of {@link ChatCommand} once, as {@code --flag
 * VALUE} or {@code --flag=VALUE}, every value well formed. Anything else (help, version, an unknown
 * or repeated flag, a value that looks like a flag, {@code --secret} without a value, an argument
 * file, a number that is not plain digits, a flag combination {@link ChatCommand#invalid()}
 * refuses) returns null, and picocli reads the line instead, with its messages. The defaults are
 * the command's own field values, so the two paths agree on them; {@code ChatArgsTest} checks that
 * both read every line to the same flags.
 */
final class ChatArgs {
  /** Every flag of {@code chat} this path reads; picocli reads a line with any other. */
  static final Set<String> FLAGS =
      Set.of(
          "--nick",
          "--room",
          "--tracker",
          "--no-tracker",
          "--no-lan",
          "--port",
          "--data",
          "--secret",
          "--json",
          "--linger",
          "--scrollback",
          "--author-quota",
          "--new-authors",
          "--metrics");

  private static final Set<String> SWITCHES = Set.of("--no-tracker", "--no-lan", "--json");

  private ChatArgs() {}

  /**
   * The command {@code args} (the command's name first) describe, ready to run and writing to
   * {@code err}; null if picocli must read them.
   */
  static ChatCommand parse(String[] args, PrintWriter err) {
    if (args.length == 0 || !args[0].equals("chat")) {
      return null;
    }
    ChatCommand c = new ChatCommand(err);
    Set<String> seen = new HashSet<>();
    for (int i = 1; i < args.length; i++) {
      String arg = args[i];
      int eq = arg.indexOf('=');
      String flag = eq < 0 ? arg : arg.substring(0, eq);
      if (!FLAGS.contains(flag) || (!seen.add(flag) && !flag.equals("--tracker"))) {
        return null;
      }
      if (SWITCHES.contains(flag)) {
        if (eq >= 0) {
          return null;
        }
        switch (flag) {
          case "--no-tracker" -> c.noTracker = true;
          case "--no-lan" -> c.noLan = true;
          default -> c.json = true;
        }
        continue;
      }
      String value;
      if (eq >= 0) {
        value = arg.substring(eq + 1);
      } else if (flag.equals("--secret") || i + 1 == args.length) {
        return null; // --secret's value is optional: picocli decides what follows it
      } else {
        value = args[++i];
      }
      if (value.isEmpty() || value.startsWith("-") || value.startsWith("@")) {
        return null;
      }
      if (!set(c, flag, value)) {
        return null;
      }
    }
    return c.invalid() == null ? c : null;
  }

  private static boolean set(ChatCommand c, String flag, String value) {
    try {
      switch (flag) {
        case "--nick" -> c.nick = value;
        case "--room" -> c.room = value;
        case "--data" -> c.data = Path.of(value);
        case "--secret" -> c.secretOption = value;
        case "--port" -> c.port = plainInt(value);
        case "--linger" -> c.linger = plainInt(value);
        case "--scrollback" -> c.scrollback = plainInt(value);
        case "--metrics" -> c.metrics = MetricsOption.at(MetricsAddress.parse(value));
        case "--author-quota", "--new-authors" -> {
          return false; // rare: picocli reads it, and says what is wrong with it
        }
        default -> { // --tracker: comma-separated, and repeatable
          if (c.trackers == null) {
            c.trackers = new ArrayList<>();
          }
          for (String one : value.split(",", -1)) {
            c.trackers.add(tracker(one));
          }
        }
      }
      return true;
    } catch (IllegalArgumentException e) { // an InvalidPathException too
      return false; // picocli says what is wrong with it
    }
  }

  private static InetSocketAddress tracker(String value) {
    return HostPorts.parse(value, null, 1);
  }

  /** Digits only, no sign and no leading zero, small enough for an int: read alike by both. */
  private static int plainInt(String value) {
    if (!value.matches("0|[1-9][0-9]{0,8}")) {
      throw new IllegalArgumentException(value);
    }
    return Integer.parseInt(value);
  }
}
