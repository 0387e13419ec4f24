package meshchat.peer.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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
 * A peer never holds more than {@code maxLinks} (32) links, and no more than a quarter of them from
 * one source address (rev29 F3). Before, nothing bounded how many of those slots one stranger held:
 * with 32 throwaway keys (an Ed25519 key pair each, no member's secret, an open room's name) from
 * one address, within that address's 64 connections and its handshake burst, it took every slot and
 * kept them with a ping each, and the peer then refused every honest peer that dialed it (a
 * newcomer could not join through it, a member whose link blinked could not come back). Here the
 * stranger dials 32 keys over real TLS and keeps pinging each link; the victim runs the product's
 * link and membership settings. From one address (127.0.0.2) it holds a quarter of the slots; from
 * four (127.0.0.2-5) it fills them all, and an honest peer dialing from 127.0.0.1 still links: the
 * youngest link of an address holding more makes room for it.
 */
class LinkSlotsPerAddressTest {
  static final int CAP = MembershipConfig.defaults().maxLinks();
  static final int SHARE = MembershipConfig.defaults().sourceCap();

  @Test
  void aStrangerWithThrowawayKeysOnOneAddressHoldsAQuarterOfTheSlotsAndHonestPeersLink()
      throws Exception {
    List<RawPeer> strangers = new CopyOnWriteArrayList<>();
    ScheduledExecutorService pings = Executors.newSingleThreadScheduledExecutor();
    try (LoopbackCluster mesh = new LoopbackCluster(29)) {
      PeerNode victim = startVictim(mesh);
      InetAddress elsewhere = InetAddress.getByName("127.0.0.2");
      keepPinging(pings, strangers);
      for (int i = 0; i < CAP; i++) {
        strangers.add(new RawPeer(Identity.generate(), victim.port(), null, elsewhere));
      }
      assertThat(strangers.get(CAP - 1).awaitClose().getMessage())
          .isEqualTo("too many links from one address");
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> victim.linkCount() == SHARE);

      PeerNode honest = startHonest(mesh);
      honest.dial(mesh.address(0));
      Awaitility.await()
          .atMost(Duration.ofSeconds(20))
          .alias("an honest peer links to a peer a stranger dialed with every key it has")
          .until(() -> honest.linkCount() == 1);
      // the honest side may count its link a moment before the victim's room thread counts it
      Awaitility.await()
          .atMost(Duration.ofSeconds(20))
          .alias("the victim holds the stranger's share, and the honest peer")
          .until(() -> victim.linkCount() == SHARE + 1);
    } finally {
      pings.shutdownNow();
      for (RawPeer s : strangers) {
        s.close();
      }
    }
  }

  @Test
  void whenStrangersOnFourAddressesHoldEverySlotAnHonestNewcomerTakesTheYoungestOnesPlace()
      throws Exception {
    List<RawPeer> strangers = new CopyOnWriteArrayList<>();
    ScheduledExecutorService pings = Executors.newSingleThreadScheduledExecutor();
    try (LoopbackCluster mesh = new LoopbackCluster(29)) {
      PeerNode victim = startVictim(mesh);
      keepPinging(pings, strangers);
      for (int a = 0; a < CAP / SHARE; a++) {
        InetAddress from = InetAddress.getByName("127.0.0." + (2 + a));
        for (int i = 0; i < SHARE; i++) {
          strangers.add(new RawPeer(Identity.generate(), victim.port(), null, from));
        }
      }
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .alias("the strangers hold every slot")
          .until(() -> victim.linkCount() == CAP);

      PeerNode honest = startHonest(mesh);
      honest.dial(mesh.address(0));
      Awaitility.await()
          .atMost(Duration.ofSeconds(20))
          .alias("an honest peer links to a peer whose slots strangers hold")
          .until(() -> honest.linkCount() == 1);
      // the honest side may count its link a moment before the victim's room thread has
      // counted it in place of the stranger's it dropped
      Awaitility.await()
          .atMost(Duration.ofSeconds(20))
          .alias("the victim holds its cap again, the honest peer's link among it")
          .until(() -> victim.linkCount() == CAP);
      assertThat(strangers.get(CAP - 1).awaitClose().getMessage())
          .as("the youngest stranger link made room")
          .isEqualTo("dropped to make room for a peer from another address");
    } finally {
      pings.shutdownNow();
      for (RawPeer s : strangers) {
        s.close();
      }
    }
  }

  /** Peer 0 with the product's link and membership settings, no tracker. */
  private static PeerNode startVictim(LoopbackCluster mesh) {
    return mesh.start(
        mesh.config(0)
            .withTracker(null, false)
            .with(
                d -> {
                  d.linkConfig = LinkConfig.defaults();
                  // the product's per-address share (the cluster lifts it: its peers all dial
                  // from 127.0.0.1)
                  d.membershipConfig = MembershipConfig.defaults();
                }));
  }

  private static PeerNode startHonest(LoopbackCluster mesh) {
    return mesh.start(
        mesh.config(1).withTracker(null, false).with(d -> d.linkConfig = LinkConfig.defaults()));
  }

  /**
   * Keeps every stranger link from idling out, as a stranger holding slots would: each from the
   * moment it is in {@code strangers}, not once all are (session 33: on a loaded box the 32
   * handshakes took longer than the 4 s idle timeout, the first links closed as idle before their
   * first ping, and the victim never held every slot).
   */
  private static void keepPinging(ScheduledExecutorService pings, List<RawPeer> strangers) {
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
  }
}
