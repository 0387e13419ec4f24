package meshchat.peer.runtime;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import meshchat.fixture.netty.LoopbackCluster;
import meshchat.peer.identity.ChainAuthor;
import meshchat.peer.identity.Identity;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.Equivocation;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.LinkMessage.PeerAddress;
import meshchat.peer.message.PeerId;
import org.junit.jupiter.api.Test;

/**
 * rev29 F6: rev28 F7 gave proofs against strangers (authors the room holds nothing of) a count of
 * their own (32), so that throwaway keys cannot use up the room's budget of 256 proven authors. The
 * other half of the budget, about 16 MiB of proofs ({@code Equivocations.MAX_PROOF_BYTES}), is
 * still shared, and it counts every character as three bytes ({@code ChatMessage.approxBytes}):
 * seven stranger proofs, six of them frames of about 840 KB (seven lines of 60,000 ASCII characters
 * a side), fill it. From then on a real member who signs two histories is noticed but its proof is
 * dropped ({@code proof_budget}): it is never frozen, and its two versions stand side by side.
 */
class Rev29F6ProofBytesBudgetTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final long BUDGET = 16L << 20; // Equivocations.MAX_PROOF_BYTES

  @Test
  void strangersProofsCannotUseUpTheBytesTheRoomsAuthorsProofsNeed() throws Exception {
    try (LoopbackCluster mesh = new LoopbackCluster(29)) {
      PeerNode n0 = mesh.start(mesh.config(0).withTracker(null, false));
      PeerNode n1 = mesh.start(mesh.config(1).withTracker(null, false));
      n1.dial(new PeerAddress(n0.self(), n0.nick(), "127.0.0.1", n0.port()));
      await().atMost(WAIT).until(() -> n0.linkCount() == 1 && n1.linkCount() == 1);

      // what the member's proof will count (as Equivocations counts a proof)
      Identity eve = Identity.generate();
      ChainAuthor toN0 = new ChainAuthor(eve, "lobby");
      ChainAuthor toN1 = new ChainAuthor(eve, "lobby");
      ChatMessage yes = toN0.next("the vote passed");
      ChatMessage no = toN1.next("the vote failed");
      long eveBytes = 512 + yes.approxBytes() + no.approxBytes();

      Identity mallory = Identity.generate();
      int sent = 0;
      try (RawPeer r = new RawPeer(mallory, n0.port(), null)) {
        long used = 0;
        for (int i = 0; i < 6; i++) {
          used += sendProof(r, 7, 60_000, 0);
          sent++;
        }
        // one more, sized to leave less than the member's proof needs
        long target = BUDGET - used - eveBytes / 2;
        used += sendProof(r, 5, 0, target);
        sent++;
        int strangers = sent;
        await().atMost(WAIT).until(() -> n0.equivocators().join().size() == strangers);
      }

      // a member of the room signs two versions of a line, one for each peer
      try (RawPeer r0 = new RawPeer(eve, n0.port(), null);
          RawPeer r1 = new RawPeer(eve, n1.port(), null)) {
        r0.send(new LinkMessage.Chat(yes));
        r0.send(new LinkMessage.Head(toN0.head()));
        r1.send(new LinkMessage.Chat(no));
        r1.send(new LinkMessage.Head(toN1.head()));
        await()
            .atMost(WAIT)
            .until(
                () ->
                    mesh.seen(0).ids().contains(yes.id()) && mesh.seen(1).ids().contains(no.id()));
        PeerId e = eve.peerId();
        await()
            .atMost(WAIT)
            .alias("the member who signed two histories is proven by both peers")
            .until(
                () ->
                    n0.equivocators().join().containsKey(e)
                        && n1.equivocators().join().containsKey(e));
      }
    }
  }

  /**
   * A valid proof against a fresh key: {@code lines} lines a side, each of {@code chars} ASCII
   * characters, or (chars 0) of lengths that make the proof count {@code target} bytes at most and
   * less than 3 below it. Returns what Equivocations counts for it.
   */
  private static long sendProof(RawPeer r, int lines, int chars, long target) throws Exception {
    Identity k = Identity.generate();
    ChainAuthor a = new ChainAuthor(k, "lobby");
    ChainAuthor b = new ChainAuthor(k, "lobby");
    List<Integer> lengths = new ArrayList<>();
    if (chars > 0) {
      for (int i = 0; i < 2 * lines; i++) {
        lengths.add(chars);
      }
    } else {
      long fixed = 512 + 2L * lines * a.next("").approxBytes(); // a line of no text
      a = new ChainAuthor(k, "lobby");
      long total = (target - fixed) / 3;
      for (int i = 0; i < 2 * lines; i++) {
        lengths.add((int) (total / (2 * lines) + (i < total % (2 * lines) ? 1 : 0)));
      }
    }
    List<ChatMessage> as = new ArrayList<>();
    List<ChatMessage> bs = new ArrayList<>();
    long bytes = 512;
    for (int i = 0; i < lines; i++) {
      ChatMessage x = a.next("a".repeat(lengths.get(2 * i)));
      ChatMessage y = b.next("b".repeat(lengths.get(2 * i + 1)));
      as.add(x);
      bs.add(y);
      bytes += x.approxBytes() + y.approxBytes();
    }
    r.send(new LinkMessage.Equivocated(new Equivocation(a.head(), as, b.head(), bs)));
    return bytes;
  }
}
