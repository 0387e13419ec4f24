package meshchat.peer.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import meshchat.fixture.netty.LoopbackCluster;
import meshchat.peer.discovery.PeerCache;
import meshchat.peer.identity.Identity;
import meshchat.peer.message.LinkMessage;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * rev29 F5: the peer cache ({@code <data>/peers}, dialed after a restart) holds "only peers that
 * proved their key" (docs/security.md), at most 128, the least recently seen dropped first. Proving
 * a key costs a stranger one Ed25519 key pair and one handshake, and the handshake is remembered
 * even when the link is refused at once for the link cap ({@code Membership.connected} remembers
 * before it checks the cap). 128 throwaway keys from two addresses, within the handshake budget,
 * push every honest peer out of the file (a member linked right now included: its last-seen time is
 * that of its link-up), so a restart without a tracker dials only the stranger's addresses. Each
 * handshake also rewrites the file on the room thread. (The Hello names a listen port: a port of 0
 * is not cached.)
 */
class PeerCacheThrowawayKeysTest {
  @TempDir Path data;

  @Test
  void throwawayKeysCannotPushAnHonestPeerOutOfThePeerCache() throws Exception {
    try (LoopbackCluster mesh = new LoopbackCluster(29, data)) {
      PeerNode victim = mesh.start(mesh.config(0).withTracker(null, false));
      PeerNode honest = mesh.start(mesh.config(1).withTracker(null, false));
      honest.dial(mesh.address(0));
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> victim.linkCount() == 1);
      Path file = mesh.dataDir(0).resolve("peers");
      String bob = mesh.id(1).hex();
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> Files.exists(file) && Files.readString(file).contains(bob));

      for (int i = 0; i < PeerCache.MAX_ENTRIES; i++) {
        InetAddress from = InetAddress.getByName(i % 2 == 0 ? "127.0.0.2" : "127.0.0.3");
        try (RawPeer stranger =
            new RawPeer(Identity.generate(), victim.port(), null, from, 40_000 + i)) {
          // the victim's first room frame, or its refusal: either comes after the room thread took
          // the handshake (and wrote the cache)
          for (LinkMessage m = stranger.read();
              !(m instanceof LinkMessage.Digest) && !(m instanceof LinkMessage.Close);
              m = stranger.read()) {}
        }
      }

      assertThat(victim.linkCount()).as("bob is still linked").isGreaterThanOrEqualTo(1);
      assertThat(Files.readString(file))
          .as("the peer cache a restart dials, after 128 throwaway keys' handshakes")
          .contains(bob);
    }
  }
}
