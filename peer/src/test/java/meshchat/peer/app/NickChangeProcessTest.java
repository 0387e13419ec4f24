package meshchat.peer.app;

import static meshchat.peer.app.ChatProcesses.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * /nick with real processes: the change is a signed event in bob's chain, shown by ann live and by
 * a late joiner from history at the same place among bob's lines; /peers, /who (the tracker) and
 * the offline history follow it.
 */
class NickChangeProcessTest {
  @RegisterExtension final ChatProcesses procs = new ChatProcesses();

  /** The events of {@code c} about bob's timeline, in order: "one", "-> robert", "two". */
  private static List<String> bobsTimeline(Chat c) {
    List<String> out = new ArrayList<>();
    for (String l : List.copyOf(c.out)) {
      if (l.contains("\"event\":\"nick\"") && l.contains("\"nick\":\"robert\"")) {
        out.add("-> robert");
      } else if (l.contains("\"event\":\"message\"") && l.contains("\"text\":\"one\"")) {
        out.add(l.contains("\"nick\":\"bob\"") ? "bob: one" : "?: one");
      } else if (l.contains("\"event\":\"message\"") && l.contains("\"text\":\"two\"")) {
        out.add(l.contains("\"nick\":\"robert\"") ? "robert: two" : "?: two");
      }
    }
    return out;
  }

  @Test
  void aNickChangeIsShownInOnePlaceByEveryPeerAndFollowedByPeersWhoAndHistory() throws Exception {
    List<Chat> room = procs.linked(WAIT, "ann", "bob");
    Chat ann = room.get(0);
    Chat bob = room.get(1);
    bob.in.println("one");
    bob.in.println("/nick robert");
    bob.in.println("two");
    List<String> expected = List.of("bob: one", "-> robert", "robert: two");
    await().atMost(WAIT).until(() -> bobsTimeline(ann).size() == 3);
    assertThat(bobsTimeline(ann)).isEqualTo(expected);
    assertThat(bobsTimeline(bob)).isEqualTo(expected);
    assertThat(ann.count("\"event\":\"message\"")).isEqualTo(2); // a nick change is no message

    // /peers names the link by the new nick; /who too, once the tracker has the new registration
    ann.in.println("/peers");
    await().atMost(WAIT).until(() -> ann.count("\"event\":\"info\",\"message\":\"robert ") == 1);
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () -> {
              ann.in.println("/who");
              return ann.count("\"event\":\"info\",\"message\":\"robert ") >= 2;
            });

    // a late joiner gets the change by catch-up, from history, in the same place
    Chat cat = procs.chat("cat");
    await().atMost(WAIT).until(() -> bobsTimeline(cat).size() == 3);
    assertThat(bobsTimeline(cat)).isEqualTo(expected);
    assertThat(cat.out)
        .filteredOn(l -> l.contains("\"event\":\"nick\""))
        .singleElement()
        .satisfies(l -> assertThat(l).contains("\"catch_up\":true"));

    // and the offline history of ann's data dir shows it where it happened
    ann.leave();
    Process h =
        ChatProcesses.java("history", "--data", procs.dir().resolve("ann").toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(h.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(h.waitFor(30, TimeUnit.SECONDS)).isTrue();
    List<String> lines =
        out.lines().filter(l -> l.contains("one") || l.contains("robert")).toList();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0)).endsWith("bob: one");
    assertThat(lines.get(1)).endsWith(" is now known as robert");
    assertThat(lines.get(2)).endsWith("robert: two");
  }
}
