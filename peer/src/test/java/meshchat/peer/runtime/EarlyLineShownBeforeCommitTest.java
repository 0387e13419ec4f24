package meshchat.peer.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.peer.room.Delivery;
import meshchat.peer.store.sqlite.SqliteMessageStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/storage.md, "Received lines": a store that outlives the process shows a burst's received
 * lines after the burst's commit, but a line shown before its head is stored by no commit, so it is
 * shown at once, unless something of the burst waits to be shown before it. The room thread is a
 * queue this test runs by hand: what is shown before it runs was not kept for the commit.
 */
class EarlyLineShownBeforeCommitTest {
  @TempDir Path dir;

  private final ArrayDeque<Runnable> roomThread = new ArrayDeque<>();
  private final List<String> shown = new ArrayList<>();
  private final SplittableRandom random = new SplittableRandom(32);
  private final PeerId author = PeerId.random(random);

  private NodeEffects effects(SqliteMessageStore store) {
    NodeEffects e =
        HandRunEffects.of(
            PeerId.random(random),
            store,
            roomThread,
            new PeerListener() {
              @Override
              public void delivered(Delivery d) {
                shown.add(d.message().text());
              }
            });
    return e;
  }

  private Delivery line(long seq, boolean early) {
    ChatMessage m =
        new ChatMessage(new MessageId(author, seq), seq, 1_000, "a", "line " + seq, List.of());
    return new Delivery(m, false, null, false, false, false, early);
  }

  private void runRoomThread() {
    while (!roomThread.isEmpty()) {
      roomThread.poll().run();
    }
  }

  @Test
  void aLineShownBeforeItsHeadIsNotKeptWaitingForItsBurstsCommit() {
    try (SqliteMessageStore store = SqliteMessageStore.open(dir, "room")) {
      NodeEffects e = effects(store);
      e.deliver(line(1, true));
      assertThat(shown).as("shown with no commit run").containsExactly("line 1");
      runRoomThread();
      e.deliver(line(2, false)); // a stored line: shown once its burst committed
      assertThat(shown).containsExactly("line 1");
      e.deliver(line(3, true)); // behind it on the screen: it waits with it
      assertThat(shown).containsExactly("line 1");
      runRoomThread();
      assertThat(shown).containsExactly("line 1", "line 2", "line 3");
    }
  }
}
