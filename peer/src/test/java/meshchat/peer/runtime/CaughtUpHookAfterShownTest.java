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
import meshchat.peer.room.RoomNotice;
import meshchat.peer.store.sqlite.SqliteMessageStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The caught-up hook (it lets the JVM's one full collection begin, {@link HeapSettle}, which stops
 * every thread) runs once the catch-up's lines are committed and shown, not when the room reports
 * it: reported mid-burst, the collection stopped the last batch between its delivery and its
 * commit. The room thread is a queue this test runs by hand.
 */
class CaughtUpHookAfterShownTest {
  @TempDir Path dir;

  private final ArrayDeque<Runnable> roomThread = new ArrayDeque<>();
  private final List<String> seen = new ArrayList<>();
  private final SplittableRandom random = new SplittableRandom(36);
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
                seen.add(d.message().text());
              }

              @Override
              public void notice(RoomNotice n) {
                seen.add("notice " + n.getClass().getSimpleName());
              }
            });
    e.onCaughtUp(() -> seen.add("hook"));
    return e;
  }

  private Delivery line(long seq) {
    ChatMessage m =
        new ChatMessage(new MessageId(author, seq), seq, 1_000, "a", "line " + seq, List.of());
    return new Delivery(m, false, null, false, false, false, false);
  }

  private void runRoomThread() {
    while (!roomThread.isEmpty()) {
      roomThread.poll().run();
    }
  }

  @Test
  void theHookRunsAfterTheCaughtUpLinesAreShown() {
    try (SqliteMessageStore store = SqliteMessageStore.open(dir, "room")) {
      NodeEffects e = effects(store);
      e.deliver(line(1));
      e.deliver(line(2));
      e.notice(new RoomNotice.CaughtUp(2));
      assertThat(seen).as("nothing before the burst's commit, the hook neither").isEmpty();
      runRoomThread();
      assertThat(seen).containsExactly("line 1", "line 2", "notice CaughtUp", "hook");
    }
  }

  @Test
  void withNothingWaitingTheHookRunsAtOnceAfterTheNotice() {
    try (SqliteMessageStore store = SqliteMessageStore.open(dir, "room")) {
      NodeEffects e = effects(store);
      e.notice(new RoomNotice.CaughtUp(0));
      assertThat(seen).containsExactly("notice CaughtUp", "hook");
    }
  }
}
