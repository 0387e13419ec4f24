package meshchat.peer.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import meshchat.tracker.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The known-nicks journal under a real kill: a child JVM learns a new nick after another, prints
 * each once it is written, and is killed with SIGKILL mid-stream, twice (the second run appends to
 * the first's file). Every nick printed is remembered by the next start, and the start says at most
 * one line (a torn last line), never that lines were not understood.
 */
class KnownNicksKillTest {
  @TempDir Path dir;

  @Test
  void everyNickWrittenBeforeAKillNineIsRememberedAndATornTailCostsOneLine() throws Exception {
    List<Integer> first = killAfter(0, 300);
    List<Integer> second = killAfter(100_000, 600);
    List<String> problems = new CopyOnWriteArrayList<>();
    try (KnownNicks k = KnownNicks.open(dir, problems::add)) {
      for (List<Integer> run : List.of(first, second)) {
        for (int i : run) {
          assertThat(k.book().see(KnownNicksTest.key(i), "nick" + i, 0).trusted())
              .as("nick%d, printed before the kill", i)
              .isTrue();
        }
      }
    }
    assertThat(problems.size()).isLessThanOrEqualTo(1);
    assertThat(problems).allMatch(l -> l.contains("cut short"));
  }

  /**
   * Runs the child from nick {@code from} until it printed {@code atLeast} nicks, then kills it.
   */
  private List<Integer> killAfter(int from, int atLeast) throws Exception {
    ChildJvm child =
        new ChildJvm(
            ChildJvm.java(KnownNicksChild.class, dir.toString(), Integer.toString(from))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start());
    try {
      await().atMost(Duration.ofSeconds(120)).until(() -> child.out.size() >= atLeast);
    } finally {
      child.process.destroyForcibly(); // SIGKILL: no close, no last write
      assertThat(child.process.waitFor(10, TimeUnit.SECONDS)).isTrue();
      child.reader.join(10_000);
    }
    List<Integer> printed = new ArrayList<>();
    for (String line : child.out) {
      printed.add(Integer.parseInt(line.strip()));
    }
    return printed;
  }

  /** The child: a new nick, a new key each, written (flushed) before it is printed. */
  public static final class KnownNicksChild {
    public static void main(String[] args) {
      KnownNicks k = KnownNicks.open(Path.of(args[0]), line -> System.err.println(line));
      for (int i = Integer.parseInt(args[1]); ; i++) {
        k.book().see(KnownNicksTest.key(i), "nick" + i, i);
        k.flush();
        System.out.println(i);
        System.out.flush();
      }
    }
  }
}
