package meshchat.peer.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import meshchat.peer.message.LinkMessage.PeerAddress;
import meshchat.peer.message.PeerId;
import org.junit.jupiter.api.Test;

class KnownPeersTest {
  private static PeerAddress addr(int i) {
    return new PeerAddress(
        PeerId.of(new byte[] {(byte) (i >> 8), (byte) i, 7}), "p" + i, "10.0." + i, 7000);
  }

  /**
   * A peer whose links are full asks for no one every round: neither way of sampling (rejection, or
   * the scan taken when hints are most of the book) may then test the book, entry by entry.
   */
  @Test
  void askingForNoneTestsNoEntry() {
    for (int hints : new int[] {0, 300, 600}) { // 600 of 900: the scan's side
      KnownPeers book = new KnownPeers(10_000, new SplittableRandom(1));
      for (int i = 0; i < 900; i++) {
        if (i < hints) {
          book.addHint(addr(i), "namer");
        } else {
          book.add(addr(i));
        }
      }
      AtomicInteger tested = new AtomicInteger();
      for (int n : new int[] {0, -1, Integer.MIN_VALUE}) {
        List<PeerAddress> none = book.sampleVouched(n, a -> tested.incrementAndGet() >= 0);
        assertTrue(none.isEmpty());
        none.add(addr(1)); // the caller adds its hints to it
      }
      assertEquals(0, tested.get(), "entries tested for an empty sample, " + hints + " hints");
      assertEquals(Math.min(5, 900 - hints), book.sampleVouched(5, a -> true).size());
    }
  }
}
