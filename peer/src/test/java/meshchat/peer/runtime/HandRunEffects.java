package meshchat.peer.runtime;

import java.util.Queue;
import meshchat.peer.limit.Counters;
import meshchat.peer.message.PeerId;
import meshchat.peer.store.sqlite.SqliteMessageStore;
import meshchat.tracker.metrics.LatencyHistogram;

/**
 * A {@link NodeEffects} whose room thread is a queue the test runs by hand, bound to no link or
 * tracker: what a test sees before it runs the queue was not kept for the commit.
 */
final class HandRunEffects {
  private HandRunEffects() {}

  static NodeEffects of(
      PeerId self, SqliteMessageStore store, Queue<Runnable> roomThread, PeerListener listener) {
    NodeEffects e =
        new NodeEffects(
            self,
            store,
            peer -> null,
            roomThread::add,
            new Counters(),
            new LatencyHistogram(),
            System::nanoTime,
            listener,
            "test");
    e.bind(() -> {}, () -> 0, c -> {}, c -> 0, Runnable::run, () -> 0, () -> {}, (p, a) -> {});
    return e;
  }
}
