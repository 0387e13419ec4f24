package meshchat.peer.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import meshchat.peer.limit.Counters;
import meshchat.peer.link.Link;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.PeerId;
import meshchat.peer.store.sqlite.SqliteMessageStore;
import meshchat.tracker.metrics.LatencyHistogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A burst writes its frames in the order the room sent them and then flushes each link it wrote to
 * once, in the order first written; a link closed in the burst is not flushed after its Close.
 */
class BurstFlushTest {
  @TempDir Path dir;

  private final ArrayDeque<Runnable> roomThread = new ArrayDeque<>();
  private final List<String> seen = new ArrayList<>();
  private final SplittableRandom random = new SplittableRandom(38);
  private final PeerId a = PeerId.random(random);
  private final PeerId b = PeerId.random(random);
  private final Map<PeerId, Link> links = Map.of(a, new Recording("a"), b, new Recording("b"));

  private NodeEffects effects(SqliteMessageStore store) {
    NodeEffects e =
        new NodeEffects(
            PeerId.random(random),
            store,
            links::get,
            roomThread::add,
            new Counters(),
            new LatencyHistogram(),
            System::nanoTime,
            new PeerListener() {},
            "test");
    e.bind(() -> {}, () -> 0, c -> {}, c -> 0, Runnable::run, () -> 0, () -> {}, (p, x) -> {});
    return e;
  }

  private void runRoomThread() {
    while (!roomThread.isEmpty()) {
      roomThread.poll().run();
    }
  }

  @Test
  void eachLinkWrittenInABurstIsFlushedOnceInTheOrderFirstWritten() {
    try (SqliteMessageStore store = SqliteMessageStore.open(dir, "room")) {
      NodeEffects e = effects(store);
      e.send(b, new LinkMessage.Ping(1));
      e.send(a, new LinkMessage.Ping(2));
      e.send(b, new LinkMessage.Ping(3));
      e.send(a, new LinkMessage.Ping(4));
      assertThat(seen).as("nothing written before the burst ends").isEmpty();
      runRoomThread();
      assertThat(seen)
          .containsExactly(
              "b write 1", "a write 2", "b write 3", "a write 4", "b flush", "a flush");
      seen.clear();
      e.send(a, new LinkMessage.Ping(5)); // the next burst flushes again
      runRoomThread();
      assertThat(seen).containsExactly("a write 5", "a flush");
    }
  }

  @Test
  void aLinkClosedInTheBurstIsNotFlushedAfterItsClose() {
    try (SqliteMessageStore store = SqliteMessageStore.open(dir, "room")) {
      NodeEffects e = effects(store);
      e.send(a, new LinkMessage.Ping(1));
      e.send(b, new LinkMessage.Ping(2));
      e.closeLink(a, new LinkMessage.Close(LinkMessage.CloseReason.UNSPECIFIED, "bye"));
      runRoomThread();
      assertThat(seen).containsExactly("a write 1", "b write 2", "a close", "b flush");
    }
  }

  /** A link that only says what was done to it. */
  private final class Recording implements Link {
    private final String name;

    Recording(String name) {
      this.name = name;
    }

    @Override
    public LinkMessage.Hello hello() {
      return null;
    }

    @Override
    public boolean dialedByUs() {
      return false;
    }

    @Override
    public InetSocketAddress remoteAddress() {
      return null;
    }

    @Override
    public void write(LinkMessage message) {
      seen.add(name + " write " + ((LinkMessage.Ping) message).nonce());
    }

    @Override
    public void flush() {
      seen.add(name + " flush");
    }

    @Override
    public void close(LinkMessage.Close reason) {
      seen.add(name + " close");
    }

    @Override
    public long rttMillis() {
      return 0;
    }

    @Override
    public boolean isOpen() {
      return true;
    }

    @Override
    public CompletableFuture<Void> closed() {
      return new CompletableFuture<>();
    }

    @Override
    public LinkMessage.Close closeReceived() {
      return null;
    }

    @Override
    public LinkMessage.Close closeSent() {
      return null;
    }
  }
}
