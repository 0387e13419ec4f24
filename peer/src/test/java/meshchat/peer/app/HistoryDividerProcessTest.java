package meshchat.peer.app;

import static meshchat.peer.app.ChatProcesses.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import meshchat.peer.runtime.PeerNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * rev33 FINDING-1, the {@code /history} divider: "/history again for earlier" follows a page only
 * when there are earlier lines; a page that reaches the first line ends without it, full or not (it
 * followed every full page, so a page that was the whole history promised more).
 */
class HistoryDividerProcessTest {
  @RegisterExtension final ChatProcesses procs = new ChatProcesses();

  private static final String DIVIDER = "/history again for earlier";

  @Test
  void theDividerFollowsAPageOnlyWhenThereAreEarlierLines() throws Exception {
    PeerNode bob = procs.peer("bob");
    for (int i = 0; i < 4; i++) {
      bob.send("m" + i).get(10, TimeUnit.SECONDS);
    }
    Chat ann = procs.plain("ann", "--scrollback", "5");
    await().atMost(WAIT).until(() -> ann.count("bob: m3") == 1);

    ann.in.println("/history 4"); // the whole history, a full page: nothing earlier
    await().atMost(WAIT).until(() -> ann.count("bob: m0") == 2);
    ann.in.println("/history 3"); // m1..m3: m0 is earlier
    await().atMost(WAIT).until(() -> ann.count("bob: m1") == 3);
    ann.in.println("/history"); // m0, the first
    await().atMost(WAIT).until(() -> ann.count("bob: m0") == 3);
    ann.in.println("/history");
    await().atMost(WAIT).until(() -> ann.count("no earlier messages") == 1);

    List<String> after = new ArrayList<>();
    for (String l : ann.out) {
      if (l.endsWith("bob: m0")
          || l.endsWith("bob: m1")
          || l.endsWith("bob: m2")
          || l.endsWith("bob: m3")
          || l.contains(DIVIDER)
          || l.contains("no earlier messages")) {
        after.add(l.contains(DIVIDER) ? "divider" : l.substring(l.lastIndexOf(' ') + 1));
      }
    }
    after.subList(0, 4).clear(); // the four caught up, shown as they came
    assertThat(after)
        .as("what /history 4, /history 3, /history and /history printed; screen: %s", ann.out)
        .containsExactly(
            "m0",
            "m1",
            "m2",
            "m3", // the whole history: no divider
            "m1",
            "m2",
            "m3",
            "divider", // m0 is earlier
            "m0", // the first line: no divider
            "messages"); // "no earlier messages"
  }
}
