package meshchat.peer.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import meshchat.fixture.netty.LoopbackCluster;
import meshchat.peer.frame.LinkCodec;
import meshchat.peer.identity.ChainAuthor;
import meshchat.peer.identity.HelloProofs;
import meshchat.peer.identity.Identity;
import meshchat.peer.limit.WireBounds;
import meshchat.peer.message.ChainHead;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage;
import meshchat.proto.v1.Close;
import meshchat.proto.v1.Digest;
import meshchat.proto.v1.DigestEntry;
import meshchat.proto.v1.LinkFrame;
import meshchat.wire.Framing;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A hand-written hostile peer on a raw socket against a real PeerNode: it completes an honest
 * handshake with its own key, then sends a message under a head in someone else's name, or a
 * genuine message it altered. The node must refuse it, count it, tell the link why, and deliver
 * nothing.
 */
class HostilePeerTest {
  private final Identity alice = Identity.generate();
  private final Identity mallory = Identity.generate();

  /** Mallory's side of one link. */
  private final class Raw extends RawPeer {
    Raw(int port) throws Exception {
      super(mallory, port, null);
    }

    /** Connects; with {@code badHello} sends that instead of a Hello and does not handshake. */
    Raw(int port, LinkFrame badHello) throws Exception {
      super(mallory, port, badHello);
    }
  }

  private final ChainAuthor aliceWrites = new ChainAuthor(alice, "lobby");

  private void refusedWith(String why, LinkFrame... attack) throws Exception {
    try (LoopbackCluster mesh = new LoopbackCluster(42)) {
      PeerNode node = mesh.start(mesh.config(0).withTracker(null, false));
      try (Raw raw = new Raw(node.port())) {
        for (LinkFrame f : attack) {
          raw.sendRaw(f);
        }
        Close close = raw.awaitClose();
        assertThat(close.getReason()).isEqualTo(Close.Reason.INVALID_MESSAGE);
        assertThat(close.getMessage()).contains(why);
      }
      // the link went down, counted once by the reason we gave (bench chat reports these)
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> node.counters().linkCloses().equals(Map.of("invalid_message", 1L)));
      assertThat(node.rejectedMessages()).isEqualTo(1);
      assertThat(node.history(10).join()).isEmpty();
      assertThat(mesh.seen(0).deliveries).isEmpty();
    }
  }

  @Test
  void aMessageForgedInAlicesNameIsRefusedCountedAndNotStored() throws Exception {
    ChatMessage forged = aliceWrites.next("pay mallory");
    ChainHead real = aliceWrites.head();
    ChainAuthor malloryWrites = new ChainAuthor(mallory, "lobby");
    malloryWrites.next("x");
    ChainHead hers = malloryWrites.head();
    ChainHead claim =
        new ChainHead(real.origin(), real.seq(), real.hash(), hers.signature(), hers.publicKey());
    refusedWith(
        "carries a key that is not its origin's",
        LinkCodec.toFrame(new LinkMessage.Chat(forged)),
        LinkCodec.toFrame(new LinkMessage.Head(claim)));
  }

  @Test
  void aRelayedMessageWhoseTextMalloryChangedIsRefused() throws Exception {
    LinkFrame genuine = LinkCodec.toFrame(new LinkMessage.Chat(aliceWrites.next("meet at 5")));
    LinkFrame altered =
        genuine.toBuilder().setChat(genuine.getChat().toBuilder().setText("meet at 6")).build();
    refusedWith(
        "does not match its author's chain",
        altered,
        LinkCodec.toFrame(new LinkMessage.Head(aliceWrites.head())));
  }

  @Test
  void aTamperedMessageInAHistoryBatchIsRefused() throws Exception {
    ChatMessage m = aliceWrites.next("history");
    LinkFrame genuine =
        LinkCodec.toFrame(
            new LinkMessage.SyncBatch(1, List.of(m), true, List.of(aliceWrites.head())));
    LinkFrame altered =
        genuine.toBuilder()
            .setSyncBatch(
                genuine.getSyncBatch().toBuilder()
                    .setMessages(
                        0,
                        genuine.getSyncBatch().getMessages(0).toBuilder()
                            .setPrev(ByteString.copyFrom(new byte[32]).concat(ByteString.EMPTY))
                            .setWallTimeMs(7)))
            .build();
    refusedWith("does not match its author's chain", altered);
  }

  /**
   * One of alice's chained messages with seq and lamport set to values no ChatMessage can hold; the
   * head that would authenticate it never gets a chance: the frame is refused as it decodes.
   */
  private LinkFrame signedByAlice(long seq, long lamport) {
    LinkFrame f =
        LinkCodec.toFrame(new LinkMessage.Chat(new ChainAuthor(alice, "lobby").next("hi")));
    return f.toBuilder().setChat(f.getChat().toBuilder().setSeq(seq).setLamport(lamport)).build();
  }

  /** After an attack: the node still takes an honest link and message, and still sends. */
  private void stillServes(LoopbackCluster mesh, PeerNode node) throws Exception {
    try (Raw raw = new Raw(node.port())) {
      raw.send(new LinkMessage.Chat(aliceWrites.next("still there?")));
      raw.send(new LinkMessage.Head(aliceWrites.head()));
      Awaitility.await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  node.history(10).join().stream().anyMatch(m -> m.text().equals("still there?")));
    }
    assertThat(node.send("yes").get(10, TimeUnit.SECONDS).text()).isEqualTo("yes");
  }

  private void oneFrameDoesNotKill(LinkFrame attack, boolean asHello, String why) throws Exception {
    try (LoopbackCluster mesh = new LoopbackCluster(42)) {
      PeerNode node = mesh.start(mesh.config(0).withTracker(null, false));
      try (Raw raw = asHello ? new Raw(node.port(), attack) : new Raw(node.port())) {
        if (!asHello) {
          raw.sendRaw(attack);
        }
        Close close = raw.awaitClose();
        assertThat(close.getReason()).isEqualTo(Close.Reason.INVALID_MESSAGE);
        assertThat(close.getMessage()).contains(why);
      }
      stillServes(mesh, node);
    }
  }

  @Test
  void aChatStampedTwoToTheSixtyThreeMinusOneIsRefusedAndThePeerLives() throws Exception {
    oneFrameDoesNotKill(signedByAlice(1, Long.MAX_VALUE), false, "lamport out of range");
  }

  @Test
  void aValidlySignedChatJustBelowOverflowIsRefusedAndThePeerLives() throws Exception {
    oneFrameDoesNotKill(signedByAlice(1, Long.MAX_VALUE - 1), false, "lamport out of range");
  }

  @Test
  void aValidlySignedChatWithTheLargestSeqIsRefusedAndThePeerLives() throws Exception {
    oneFrameDoesNotKill(signedByAlice(Long.MAX_VALUE, 5), false, "seq out of range");
  }

  /** A validly signed head of alice whose seq is then set to {@code seq} on the wire. */
  private LinkFrame headWithSeq(long seq) {
    ChainAuthor writes = new ChainAuthor(alice, "lobby");
    writes.next("hi");
    LinkFrame f = LinkCodec.toFrame(new LinkMessage.Head(writes.head()));
    return f.toBuilder().setHead(f.getHead().toBuilder().setSeq(seq)).build();
  }

  @Test
  void aHeadWithSeqZeroIsRefusedAndThePeerLives() throws Exception {
    oneFrameDoesNotKill(headWithSeq(0), false, "head seq out of range");
  }

  @Test
  void aHeadWithSeqMinusOneIsRefusedAndThePeerLives() throws Exception {
    oneFrameDoesNotKill(headWithSeq(-1), false, "head seq out of range");
  }

  @Test
  void aHeadWithTheLargestSeqIsRefusedAndThePeerLives() throws Exception {
    oneFrameDoesNotKill(headWithSeq(Long.MAX_VALUE), false, "head seq out of range");
  }

  @Test
  void aHelloStampedTwoToTheSixtyThreeMinusOneIsRefusedAndThePeerLives() throws Exception {
    LinkFrame hello =
        LinkCodec.toFrame(
            new LinkMessage.Hello(Framing.PROTOCOL_VERSION, mallory.peerId(), "mal", "lobby", 0, 1)
                .withIdentity(mallory.publicKey(), HelloProofs.newChallenge()));
    hello =
        hello.toBuilder().setHello(hello.getHello().toBuilder().setLamport(Long.MAX_VALUE)).build();
    oneFrameDoesNotKill(hello, true, "lamport out of range");
  }

  @Test
  void aDigestWhoseCountsOverflowIsAnsweredWithinTheRequestLimits() throws Exception {
    Digest.Builder d = Digest.newBuilder().setComplete(true);
    for (int i = 0; i < 4; i++) {
      d.addEntries(
          DigestEntry.newBuilder()
              .setOrigin(ByteString.copyFrom(new byte[] {7, (byte) i}))
              .setContiguous(WireBounds.MAX_SEQ));
    }
    try (LoopbackCluster mesh = new LoopbackCluster(42)) {
      PeerNode node = mesh.start(mesh.config(0).withTracker(null, false));
      try (Raw raw = new Raw(node.port())) {
        raw.sendRaw(LinkFrame.newBuilder().setDigest(d).build());
        for (LinkFrame f; (f = LinkFrame.parseDelimitedFrom(raw.in)) != null; ) {
          if (f.hasSyncRequest()) {
            assertThat(f.getSyncRequest().getWantsCount()).isBetween(1, 1_024);
            long asked =
                f.getSyncRequest().getWantsList().stream()
                    .mapToLong(w -> w.getRange().getLast() - w.getRange().getFirst() + 1)
                    .sum();
            assertThat(asked).isLessThanOrEqualTo(node.config().roomConfig().syncMaxMessages());
            break;
          }
        }
      }
      stillServes(mesh, node);
    }
  }

  @Test
  void theSameMessageUntamperedIsDelivered() throws Exception {
    try (LoopbackCluster mesh = new LoopbackCluster(42)) {
      PeerNode node = mesh.start(mesh.config(0).withTracker(null, false));
      try (Raw raw = new Raw(node.port())) {
        raw.send(new LinkMessage.Chat(aliceWrites.next("meet at 5")));
        raw.send(new LinkMessage.Head(aliceWrites.head()));
        Awaitility.await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> node.history(10).join().size() == 1);
      }
      assertThat(node.rejectedMessages()).isZero();
    }
  }
}
