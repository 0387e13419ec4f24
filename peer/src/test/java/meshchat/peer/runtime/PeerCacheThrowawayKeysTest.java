package meshchat.peer.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import meshchat.fixture.netty.LoopbackCluster;
import meshchat.peer.discovery.PeerCache;
import meshchat.peer.identity.Identity;
import meshchat.peer.message.LinkMessage;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The peer cache ({@code <data>/peers}, dialed after a restart) holds at most 128 peers. Proving a
 * key costs a stranger one Ed25519 key pair and one handshake; before rev29 F5 every handshake was
 * remembered (even one refused at once for the link cap), so 128 throwaway keys from two addresses,
 * within the handshake budget, pushed every honest peer out of the file (a member linked right now
 * included), and a restart without a tracker dialed only the stranger's addresses; each handshake
 * also rewrote the file on the room thread. Now a peer is remembered only once its link has stood
 * {@code rememberAfterMs} (10 s; or the tracker named it), a linked peer is trimmed last, and one
 * address holds at most 8 entries. Here 128 handshakes that close at once leave no trace in the
 * file, and bob, linked, stays. (The Hello names a listen port: a port of 0 is not cached.)
 */
class PeerCacheThrowawayKeysTest {
  @TempDir Path data;

  @Test
  void throwawayKeysHandshakesLeaveNoTraceInThePeerCacheAndALinkedPeerStays() throws Exception {
    List<String> strangers = new ArrayList<>();
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
        Identity key = Identity.generate();
        strangers.add(key.peerId().hex());
        try (RawPeer stranger = new RawPeer(key, victim.port(), null, from, 40_000 + i)) {
          // the victim's first room frame, or its refusal: either comes after the room thread took
          // the handshake (and wrote the cache)
          for (LinkMessage m = stranger.read();
              !(m instanceof LinkMessage.Digest) && !(m instanceof LinkMessage.Close);
              m = stranger.read()) {}
        }
      }

      assertThat(victim.linkCount()).as("bob is still linked").isGreaterThanOrEqualTo(1);
      // as a crash now would leave it: no write is due (nothing new was remembered)
      String cached = Files.readString(file);
      assertThat(cached)
          .as("the peer cache a restart dials, after 128 throwaway keys' handshakes")
          .contains(bob);
      for (String k : strangers) {
        assertThat(cached).as("a throwaway key's short link is not remembered").doesNotContain(k);
      }
    }
  }
}
