package meshchat.peer.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import meshchat.fixture.netty.LoopbackCluster;
import meshchat.peer.identity.ChainAuthor;
import meshchat.peer.identity.Identity;
import meshchat.peer.limit.Counters;
import meshchat.peer.limit.Counters.Traffic;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.LinkMessage.DigestEntry;
import meshchat.peer.message.LinkMessage.PeerAddress;
import meshchat.peer.sync.SeqSet;
import org.junit.jupiter.api.Test;

/**
 * Which link gets a proof: a new link gets the proofs against authors the room holds messages of; a
 * proof against a stranger (an author the room holds nothing of) goes only to a link whose digest
 * names that author, or to every link once the author's messages are here; and a proof goes to a
 * link at most once. rev29: every kept proof went to every new link, so a stranger that never posts
 * sent sixteen valid proofs of about 1 MB (CJK text) once, and from then on every link that peer
 * made started with 16 MB of proofs about keys nobody had heard of, passed on by every peer.
 */
class StrangersProofsPerLinkTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @Test
  void strangersProofsAreNotSentToEveryNewLink() throws Exception {
    try (LoopbackCluster mesh = new LoopbackCluster(29)) {
      PeerNode n0 = mesh.start(mesh.config(0).withTracker(null, false));
      Identity mallory = Identity.generate();
      try (RawPeer r = new RawPeer(mallory, n0.port(), null)) {
        for (int i = 0; i < 16; i++) {
          r.send(Proofs.againstAStranger(8, "日".repeat(21_000), "月".repeat(21_000))); // ~1 MB
        }
        await()
            .atMost(WAIT)
            .alias("every stranger's proof was kept or dropped")
            .until(
                () ->
                    n0.equivocators().join().size()
                            + n0.counters().get(Counters.Counter.PROOF_BUDGET)
                        == 16);
      }
      assertThat(n0.equivocators().join()).isNotEmpty();
      ChatMessage hi = n0.send("the one line of history").join();

      PeerNode n2 = mesh.start(mesh.config(1).withTracker(null, false));
      long in0 = n2.counters().get(Traffic.BYTES_IN);
      n2.dial(new PeerAddress(n0.self(), n0.nick(), "127.0.0.1", n0.port()));
      // n0 sends its digest, then any proofs, then (asked) its history: once the line is here,
      // everything n0 sent at link-up was read
      await()
          .atMost(WAIT)
          .alias("the newcomer links and catches up the one line")
          .until(() -> mesh.seen(1).ids().contains(hi.id()));
      long read = n2.counters().get(Traffic.BYTES_IN) - in0;
      assertThat(read)
          .as("bytes a newcomer read from a peer holding one line, after a stranger's proofs")
          .isLessThan(64L << 10);
      assertThat(n2.equivocators().join()).isEmpty();
    }
  }

  @Test
  void aStrangersProofGoesOnceToALinkWhoseDigestNamesItsAuthor() throws Exception {
    try (LoopbackCluster mesh = new LoopbackCluster(29)) {
      PeerNode n0 = mesh.start(mesh.config(0).withTracker(null, false));
      Identity x = Identity.generate();
      try (RawPeer r = new RawPeer(Identity.generate(), n0.port(), null)) {
        r.send(Proofs.against(x, 0, 1, "yes", "no"));
        await().atMost(WAIT).until(() -> n0.equivocators().join().containsKey(x.peerId()));
      }
      try (RawPeer carol = new RawPeer(Identity.generate(), n0.port(), null)) {
        assertThat(proofsBeforePong(carol, 1)).as("proofs sent at link-up").isZero();
        SeqSet one = new SeqSet();
        one.add(1);
        LinkMessage.Digest names =
            new LinkMessage.Digest(List.of(new DigestEntry(x.peerId(), one)), false);
        carol.send(names);
        LinkMessage.Equivocated got = carol.readUntil(LinkMessage.Equivocated.class);
        assertThat(got.proof().origin()).isEqualTo(x.peerId());
        assertThat(got.proof().seq()).isEqualTo(1);
        carol.send(names); // named again: the link has the proof already
        assertThat(proofsBeforePong(carol, 2)).as("proofs sent again").isZero();
      }
    }
  }

  @Test
  void aStrangersProofGoesToEveryLinkOnceItsAuthorsLinesAreHere() throws Exception {
    try (LoopbackCluster mesh = new LoopbackCluster(29)) {
      PeerNode[] two = Proofs.twoLinkedPeers(mesh, WAIT);
      PeerNode n0 = two[0];
      PeerNode n1 = two[1];

      // x's histories share their first line and part at the second
      Identity x = Identity.generate();
      ChainAuthor honest = new ChainAuthor(x, "lobby");
      ChatMessage first = honest.next("hello");
      try (RawPeer r = new RawPeer(Identity.generate(), n0.port(), null)) {
        r.send(Proofs.against(x, 1, 1, "yes", "no"));
        await().atMost(WAIT).until(() -> n0.equivocators().join().containsKey(x.peerId()));
      }
      try (RawPeer author = new RawPeer(x, n0.port(), null)) {
        author.send(new LinkMessage.Chat(first));
        author.send(new LinkMessage.Head(honest.head()));
        await()
            .atMost(WAIT)
            .alias("n1 gets x's first line and the proof that x's history parts after it")
            .until(
                () ->
                    mesh.seen(1).ids().contains(first.id())
                        && Map.of(x.peerId(), 2L).equals(n1.equivocators().join()));
      }
    }
  }

  /** Sends a Ping and reads to its Pong; returns how many proofs came before it. */
  private static int proofsBeforePong(RawPeer r, long nonce) throws Exception {
    r.send(new LinkMessage.Ping(nonce));
    int proofs = 0;
    for (; ; ) {
      LinkMessage m = r.read();
      if (m instanceof LinkMessage.Equivocated) {
        proofs++;
      } else if (m instanceof LinkMessage.Pong p && p.nonce() == nonce) {
        return proofs;
      }
    }
  }
}
