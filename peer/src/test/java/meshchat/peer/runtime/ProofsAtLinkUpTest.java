package meshchat.peer.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import meshchat.fixture.netty.LoopbackCluster;
import meshchat.peer.frame.LinkCodec;
import meshchat.peer.identity.Identity;
import meshchat.peer.message.LinkMessage;
import org.junit.jupiter.api.Test;

/**
 * (rev31) A new link is sent every proof the peer keeps against a room author at once ({@code
 * Room.linkUp}), up to the room authors' proof budget, 16 MiB; a stranger's proofs wait until the
 * link's digest names their author (rev29). A throwaway key is a room author once it wrote one
 * line: mallory has 18 fresh keys each write "hello", then hands over for each a valid proof of two
 * versions of 7 lines of 64,000 bytes (about 0.9 MB a proof, under the 1 MiB frame), once. From
 * then on every link anyone opens to the peer (an honest newcomer, or another throwaway key from
 * the same address, 8 a second) is sent about 16 MiB before it has asked for anything:
 * amplification of a handshake into 16 MiB, set up with 18 short lines.
 */
class ProofsAtLinkUpTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final int KEYS = 18;
  private static final int LINES = 7;

  @Test
  void aNewLinkIsNotSentMegabytesOfProofsAgainstKeysThatWroteOneLine() throws Exception {
    try (LoopbackCluster mesh = new LoopbackCluster(31)) {
      PeerNode n0 = mesh.start(mesh.config(0).withTracker(null, false));
      String fat = "x".repeat(64_000);
      Identity mallory = Identity.generate();
      try (RawPeer r = new RawPeer(mallory, n0.port(), null)) {
        List<Identity> keys = Proofs.throwawayAuthors(r, KEYS, mesh, 0, WAIT);
        for (Identity k : keys) {
          r.send(Proofs.against(k, 1, LINES, fat + "a", fat + "b"));
        }
        await().atMost(WAIT).until(() -> n0.equivocators().join().size() == KEYS);
      }

      // a newcomer links and says nothing but its Hello: what is it sent?
      long proofBytes = 0;
      int proofs = 0;
      boolean closed = false;
      try (RawPeer newcomer =
          new RawPeer(Identity.generate(), n0.port(), null, InetAddress.getByName("127.0.0.2"))) {
        newcomer.socket.setSoTimeout(3_000);
        long until = System.nanoTime() + 8_000_000_000L;
        try {
          while (System.nanoTime() < until) {
            LinkMessage m = newcomer.read();
            if (m instanceof LinkMessage.Equivocated) {
              proofs++;
              proofBytes += LinkCodec.toFrame(m).getSerializedSize();
            } else if (m instanceof LinkMessage.Close) {
              closed = true;
              break;
            }
          }
        } catch (SocketTimeoutException quiet) {
          // nothing more for 3 s
        } catch (RuntimeException | java.io.IOException end) {
          closed = true;
        }
      }
      System.out.printf(
          "a newcomer that sent only its Hello was sent %d proofs, %d bytes, in its first"
              + " seconds (link closed by n0: %s)%n",
          proofs, proofBytes, closed);
      assertThat(proofBytes)
          .as("bytes of proofs sent to a new link against %d keys that each wrote one line", KEYS)
          .isLessThanOrEqualTo(1L << 20);
    }
  }
}
