package meshchat.peer.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import meshchat.fixture.netty.LoopbackCluster;
import meshchat.peer.identity.Identity;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.LinkMessage.SyncRequest;
import meshchat.peer.message.LinkMessage.Want;
import meshchat.peer.sync.SeqRange;
import org.junit.jupiter.api.Test;

/**
 * (rev31) A sync answer's budget is "each message we hold once for the link's life" (AntiEntropy
 * {@code onRequest}), so it is per key, and keys cost nothing: a stranger on one address links with
 * a fresh key, asks for the whole history with one small SyncRequest, reads it, drops the link and
 * does it again. Each time the member reads its whole history from the store on its room thread and
 * sends it. docs/security.md says of link slots that "a key costs nothing ... so no bound may count
 * keys; addresses cost something, so [bounds] are shared by source": this one counts keys. The
 * accept budget lets one address do it 8 times a second (64 at once), each costing the room thread
 * the whole history's store reads and the link's TLS the whole history's bytes.
 */
class ThrowawayKeysHistoryTest {
  private static final int HISTORY = 1_500;
  private static final int KEYS = 10;

  @Test
  void throwawayKeysFromOneAddressCannotEachHaveTheWholeHistoryRead() throws Exception {
    try (LoopbackCluster mesh = new LoopbackCluster(31)) {
      PeerNode n0 = mesh.start(mesh.config(0).withTracker(null, false));
      CompletableFuture<?> last = null;
      for (int i = 0; i < HISTORY; i++) {
        last = n0.send("line " + i + " of a history a newcomer may read once");
      }
      last.get(60, TimeUnit.SECONDS);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> n0.history(HISTORY).get().size() == HISTORY);
      ThreadMXBean mx = ManagementFactory.getThreadMXBean();
      Set<Long> room = RoomThreadCpu.threads(mx);
      long cpu0 = RoomThreadCpu.cpu(mx, room);
      InetAddress stranger = InetAddress.getByName("127.0.0.2");
      long total = 0;
      long requestId = 1;
      for (int k = 0; k < KEYS; k++) {
        Identity throwaway = Identity.generate();
        try (RawPeer r = new RawPeer(throwaway, n0.port(), null, stranger)) {
          long got = 0;
          // ask for it all until an answer brings nothing more (the product asks in slices too)
          for (int asks = 0; asks < 8 && got < HISTORY; asks++) {
            long id = requestId++;
            r.send(new SyncRequest(id, List.of(new Want(n0.self(), new SeqRange(1, HISTORY))), 0));
            long before = got;
            for (; ; ) {
              LinkMessage m = r.read();
              if (m instanceof LinkMessage.SyncBatch b && b.requestId() == id) {
                got += b.messages().size();
                if (b.done()) {
                  break;
                }
              }
            }
            if (got == before) {
              break;
            }
          }
          total += got;
        }
      }
      long cpu = RoomThreadCpu.cpu(mx, room) - cpu0;
      System.out.printf(
          "%d throwaway keys from one address, each asking for it all: %d messages answered (a"
              + " history of %d); n0's room thread %.0f ms%n",
          KEYS, total, HISTORY, cpu / 1e6);
      assertThat(total)
          .as(
              "messages of a %d-message history read and sent to %d throwaway keys of one address",
              HISTORY, KEYS)
          .isLessThanOrEqualTo(3L * HISTORY);
    }
  }
}
