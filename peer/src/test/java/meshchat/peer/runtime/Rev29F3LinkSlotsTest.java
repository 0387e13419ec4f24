package meshchat.peer.runtime;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import meshchat.fixture.netty.LoopbackCluster;
import meshchat.peer.identity.Identity;
import meshchat.peer.link.LinkConfig;
import meshchat.peer.membership.MembershipConfig;
import meshchat.peer.message.LinkMessage;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * rev29 F3: a peer never holds more than {@code maxLinks} (32) links, and one too many is closed
 * with LIMIT_EXCEEDED, whoever it is, and not redialed. Nothing bounds how many of those slots one
 * stranger holds: with 32 throwaway keys (an Ed25519 key pair each, no member's secret, an open
 * room's name) from one address, within that address's 64 connections and its handshake burst, it
 * takes every slot and keeps them with a ping each, and from then on the peer refuses every honest
 * peer that dials it: a newcomer cannot join through it, and a member whose link blinks cannot come
 * back. Here an honest peer dials the victim from another address while the stranger holds the
 * slots, and is never linked.
 */
class Rev29F3LinkSlotsTest {
  @Test
  void aStrangerWithThrowawayKeysCannotTakeEveryLinkSlotFromHonestPeers() throws Exception {
    ScheduledExecutorService pings = Executors.newSingleThreadScheduledExecutor();
    List<RawPeer> strangers = new ArrayList<>();
    try (LoopbackCluster mesh = new LoopbackCluster(29)) {
      PeerNode victim =
          mesh.start(
              mesh.config(0)
                  .withTracker(null, false)
                  .with(d -> d.linkConfig = LinkConfig.defaults()));
      int cap = MembershipConfig.defaults().maxLinks();
      InetAddress elsewhere = InetAddress.getByName("127.0.0.2");
      for (int i = 0; i < cap; i++) {
        strangers.add(new RawPeer(Identity.generate(), victim.port(), null, elsewhere));
      }
      pings.scheduleAtFixedRate(
          () -> {
            for (RawPeer s : strangers) {
              try {
                s.send(new LinkMessage.Ping(1));
              } catch (Exception e) {
                // closed: the victim let it go
              }
            }
          },
          0,
          300,
          TimeUnit.MILLISECONDS);
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> victim.linkCount() == cap);

      PeerNode honest =
          mesh.start(
              mesh.config(1)
                  .withTracker(null, false)
                  .with(d -> d.linkConfig = LinkConfig.defaults()));
      honest.dial(mesh.address(0));
      Awaitility.await()
          .atMost(Duration.ofSeconds(20))
          .alias("an honest peer links to a peer whose slots a stranger holds")
          .until(() -> honest.linkCount() == 1);
    } finally {
      pings.shutdownNow();
      for (RawPeer s : strangers) {
        s.close();
      }
    }
  }
}
