package meshchat.peer.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import meshchat.fixture.netty.LoopbackCluster;
import meshchat.peer.frame.LinkCodec;
import meshchat.peer.identity.ChainAuthor;
import meshchat.peer.identity.Identity;
import meshchat.peer.limit.Counters;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage.PeerAddress;
import meshchat.peer.message.PeerId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * New authors per source on real sockets (docs/security.md, "New authors per source"). A hub holds
 * a big history of one line each from 10,001 authors (as in DigestOfManyAuthorsTest); an honest
 * newcomer with the bound on catches all of it up from its one link to the hub, none charged. Then
 * a hostile member on 127.0.0.2 relays lines of fresh keys to the newcomer over two links with two
 * keys of its own: the newcomer stores exactly its budget of them, refuses the rest, and still
 * hears the hub.
 */
class NewAuthorsFloodTest {
  private static final Duration WAIT = Duration.ofSeconds(180);
  private static final int KEYS =
      Integer.getInteger("meshchat.newAuthorsKeys", LinkCodec.MAX_DIGEST_ENTRIES + 1);
  private static final int BUDGET = 16;

  @TempDir Path dir;

  @Test
  void aFlooderBringsOnlyItsBudgetOfNewAuthorsWhileANewcomerCatchesUpABigHistoryFromOneLink()
      throws Exception {
    try (LoopbackCluster mesh = new LoopbackCluster(33, dir)) {
      // the hub: no bound of its own (the room it grew in had many members over time)
      PeerNode hub = mesh.start(mesh.config(0).withTracker(null, false));
      try (RawPeer r = new RawPeer(Identity.generate(), hub.port(), null)) {
        List<ChainAuthor> keys = r.relayALineOfEachNewKey(KEYS, "hi");
        ChatMessage lastLine = keys.get(KEYS - 1).written().get(0);
        await()
            .atMost(WAIT)
            .until(
                () ->
                    mesh.seen(0).ids().contains(lastLine.id())
                        && hub.history(KEYS + 10).get().size() >= KEYS);
      }

      // an honest newcomer with the bound on, linked to the hub alone, catches up every author
      PeerNode newcomer =
          mesh.start(
              mesh.config(1)
                  .withTracker(null, false)
                  .with(
                      d -> d.roomConfig = d.roomConfig.with(c -> c.newAuthorsPerSource = BUDGET)));
      newcomer.dial(new PeerAddress(hub.self(), hub.nick(), "127.0.0.1", hub.port()));
      await()
          .atMost(WAIT)
          .alias("the newcomer holds the hub's whole history")
          .until(() -> newcomer.history(KEYS + 10).get().size() >= KEYS);
      assertThat(newcomer.counters().get(Counters.Counter.NEW_AUTHOR))
          .as("no author of the history was refused")
          .isZero();

      // a hostile member relays lines of fresh keys, over two links from one address
      InetAddress stranger = InetAddress.getByName("127.0.0.2");
      Set<PeerId> fresh = new HashSet<>();
      for (int link = 0; link < 2; link++) {
        try (RawPeer m = new RawPeer(Identity.generate(), newcomer.port(), null, stranger)) {
          for (ChainAuthor a : m.relayALineOfEachNewKey(3 * BUDGET, "buy now")) {
            fresh.add(a.identity().peerId());
          }
          await()
              .atMost(WAIT)
              .until(() -> newcomer.counters().get(Counters.Counter.NEW_AUTHOR) > 0);
        }
      }
      ChatMessage still = hub.send("still here").get();
      await().atMost(WAIT).until(() -> mesh.seen(1).ids().contains(still.id()));
      await()
          .during(Duration.ofSeconds(2))
          .atMost(WAIT)
          .until(() -> storedOf(newcomer, fresh) == BUDGET);
      assertThat(newcomer.counters().get(Counters.Counter.NEW_AUTHOR))
          .isGreaterThanOrEqualTo(6L * BUDGET - BUDGET);
      assertThat(newcomer.history(KEYS + 1_000).get().size()).isEqualTo(KEYS + 1 + BUDGET);
    }
  }

  private static long storedOf(PeerNode n, Set<PeerId> origins) throws Exception {
    return n.history(100_000).get().stream().filter(m -> origins.contains(m.origin())).count();
  }
}
