package meshchat.peer.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The fast path reads a chat line exactly as picocli does, or leaves it to picocli: it may refuse
 * any line, but a line it takes must come out with the same flags, and be one picocli accepts.
 */
class ChatArgsTest {
  private static final PrintWriter ERR = new PrintWriter(new StringWriter());

  @Test
  void theLinesPeopleAndScriptsTypeTakeTheFastPath() {
    assertThat(fast("chat")).isNotNull();
    assertThat(
            fast("chat", "--no-tracker", "--no-lan", "--json", "--nick", "s", "--data", "/tmp/x"))
        .isNotNull();
    String[] everyFlag = {
      "chat",
      "--tracker",
      "a:1,b:2",
      "--tracker=[::1]:3",
      "--secret=s3",
      "--metrics",
      "9090",
      "--port",
      "0",
      "--linger",
      "0",
      "--scrollback",
      "5",
      "--room",
      "r"
    };
    ChatCommand c = fast(everyFlag);
    assertThat(c).isNotNull();
    assertThat(flags(c)).isEqualTo(flags(picocli(everyFlag)));
  }

  @Test
  void helpVersionAndWhatPicocliMustExplainAreLeftToIt() {
    for (String[] line :
        List.of(
            new String[] {"chat", "--help"},
            new String[] {"chat", "-V"},
            new String[] {"chat", "--secret"}, // asks for the secret: picocli reads what follows
            new String[] {"chat", "--nick", "a", "--nick", "b"},
            new String[] {"chat", "--port", "010"},
            new String[] {"chat", "--port", "65536"},
            new String[] {"chat", "--nick", "--json"},
            new String[] {"chat", "--tracker", "a:1,b"},
            new String[] {"chat", "--no-tracker", "--tracker", "a:1"},
            new String[] {"chat", "@flags.txt"},
            new String[] {"chat", "--json=true"},
            new String[] {"history"})) {
      assertThat(ChatArgs.parse(line, ERR)).as(String.join(" ", line)).isNull();
    }
  }

  @Test
  void theFastPathKnowsEveryFlagOfChat() {
    Set<String> picocliFlags =
        new CommandLine(new ChatCommand())
            .getCommandSpec().options().stream()
                .map(OptionSpec::longestName)
                .filter(n -> !n.equals("--help") && !n.equals("--version"))
                .collect(Collectors.toSet());
    assertThat(ChatArgs.FLAGS).isEqualTo(picocliFlags);
  }

  @Property(tries = 1000)
  @StatisticsReport(onFailureOnly = true)
  void aLineTheFastPathTakesIsReadAlikeByPicocli(@ForAll("lines") List<String> args) {
    String[] line = new String[args.size() + 1];
    line[0] = "chat";
    for (int i = 0; i < args.size(); i++) {
      line[i + 1] = args.get(i);
    }
    ChatCommand fast = ChatArgs.parse(line, ERR);
    // the fast path must take a good share of the lines, or this property checks nothing
    Statistics.label("read by").collect(fast == null ? "picocli" : "the fast path");
    Statistics.label("read by").coverage(c -> c.check("the fast path").percentage(p -> p >= 10));
    if (fast == null) {
      return;
    }
    ChatCommand slow = picocli(line); // throws if picocli refuses what the fast path took
    assertThat(flags(fast)).as(Arrays.toString(line)).isEqualTo(flags(slow));
    assertThat(slow.invalid()).isNull();
  }

  @Provide
  Arbitrary<List<String>> lines() {
    // chat's flags (sorted: a seed must give the same lines), and some only picocli may read
    Arbitrary<String> flag =
        Arbitraries.of(
            Stream.concat(
                    ChatArgs.FLAGS.stream().sorted(),
                    Stream.of("--help", "-h", "--bogus", "--", "-V"))
                .toArray(String[]::new));
    Arbitrary<String> value =
        Arbitraries.of(
            "alice",
            "",
            "-x",
            "@f",
            "0",
            "00",
            "010",
            "7",
            "+5",
            "65535",
            "65536",
            "10000",
            "10001",
            "2147483647",
            "99999999999",
            "-1",
            "a:7070",
            "a:7070,b:7071",
            "a:1,,b:2",
            "a",
            "[::1]:70",
            "x:y",
            "9090",
            "127.0.0.1:0",
            "/tmp/d",
            "lobby",
            "two words",
            "é",
            "a=b",
            "\"q\"",
            "x".repeat(33),
            "y".repeat(65),
            "\t",
            "a,b");
    Arbitrary<List<String>> token =
        Arbitraries.oneOf(
            flag.map(List::of),
            Combinators.combine(flag, value).as((f, v) -> List.of(f, v)),
            Combinators.combine(flag, value).as((f, v) -> List.of(f + "=" + v)),
            value.map(List::of));
    return token
        .list()
        .ofMaxSize(6)
        .map(
            ts -> {
              List<String> out = new ArrayList<>();
              ts.forEach(out::addAll);
              return out;
            });
  }

  private static ChatCommand fast(String... line) {
    return ChatArgs.parse(line, ERR);
  }

  private static ChatCommand picocli(String... line) {
    ChatCommand c = new ChatCommand();
    new CommandLine(c).parseArgs(Arrays.copyOfRange(line, 1, line.length));
    return c;
  }

  /** Every flag's value, as set. */
  private static List<Object> flags(ChatCommand c) {
    return Arrays.asList(
        c.nick,
        c.room,
        c.trackers,
        c.noTracker,
        c.noLan,
        c.port,
        c.data,
        c.secretOption,
        c.json,
        c.linger,
        c.scrollback,
        c.metrics == null ? null : c.metrics.address());
  }
}
