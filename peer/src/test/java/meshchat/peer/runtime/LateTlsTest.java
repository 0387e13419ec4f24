package meshchat.peer.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import meshchat.peer.app.NodeAssembly;
import meshchat.peer.identity.Identity;
import meshchat.peer.link.netty.LinkTls;
import meshchat.peer.message.LinkMessage.PeerAddress;
import meshchat.peer.store.memory.InMemoryMessageStore;
import org.junit.jupiter.api.Test;

/**
 * A chat makes its TLS on a thread of its own (docs/benchmarks.md, "Fast start"): the peer is ready
 * and listening before its TLS is, a link dialed to it meanwhile waits in the listening socket's
 * backlog, and one it dials meanwhile waits too; both come up once the TLS is made.
 */
class LateTlsTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  /** Holds the TLS making until released. */
  private static final class Gate implements Executor {
    private final CompletableFuture<Void> open = new CompletableFuture<>();

    @Override
    public void execute(Runnable task) {
      open.thenRunAsync(task);
    }

    void release() {
      open.complete(null);
    }
  }

  private static PeerNode started(PeerGroups groups, String nick, Identity id) throws Exception {
    return NodeAssembly.start(
        PeerConfig.of("lobby", nick, id),
        new InMemoryMessageStore(),
        groups,
        new PeerListener() {});
  }

  @Test
  void aPeerIsReadyBeforeItsTlsAndLinksOnceItIsMade() throws Exception {
    Identity late = Identity.generate();
    Identity other = Identity.generate();
    Identity third = Identity.generate();
    Gate gate = new Gate();
    LinkTls tls = LinkTls.inBackground(late, gate);
    try (PeerGroups groups = PeerGroups.create(1, 1)) {
      PeerNode a =
          NodeAssembly.start(
              PeerConfig.of("lobby", "late", late),
              new InMemoryMessageStore(),
              groups,
              new PeerListener() {},
              false,
              tls);
      PeerNode b = started(groups, "other", other);
      PeerNode c = started(groups, "third", third);
      try {
        // started, listening, and the TLS not made yet
        assertThat(a.port()).isPositive();
        assertThat(tls.ready()).isNotDone();
        b.dial(new PeerAddress(a.self(), "late", "127.0.0.1", a.port())); // to the waiting peer
        a.dial(new PeerAddress(c.self(), "third", "127.0.0.1", c.port())); // from it
        assertThat(a.linkCount()).isZero();

        gate.release();

        await().atMost(WAIT).until(() -> a.linkCount() == 2);
        await().atMost(WAIT).until(() -> b.linkCount() >= 1 && c.linkCount() >= 1);
      } finally {
        c.close();
        b.close();
        a.close();
      }
    }
  }
}
