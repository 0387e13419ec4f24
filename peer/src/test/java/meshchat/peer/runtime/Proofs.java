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

/** Equivocation proofs and equivocating members, as the proof-budget tests make them. */
final class Proofs {
  private Proofs() {}

  /**
   * A valid proof against {@code k}: {@code common} lines alike, then {@code lines} lines a side,
   * {@code a} on one and {@code b} on the other.
   */
  static LinkMessage.Equivocated against(Identity k, int common, int lines, String a, String b) {
    ChainAuthor one = new ChainAuthor(k, "lobby");
    ChainAuthor two = new ChainAuthor(k, "lobby");
    for (int i = 0; i < common; i++) {
      one.next("hello");
      two.next("hello");
    }
    List<ChatMessage> as = new ArrayList<>();
    List<ChatMessage> bs = new ArrayList<>();
    for (int i = 0; i < lines; i++) {
      as.add(one.next(a));
      bs.add(two.next(b));
    }
    return new LinkMessage.Equivocated(new Equivocation(one.head(), as, two.head(), bs));
  }

  /** A valid proof against a fresh key: {@code lines} lines a side, {@code a} against {@code b}. */
  static LinkMessage.Equivocated againstAStranger(int lines, String a, String b) {
    return against(Identity.generate(), 0, lines, a, b);
  }

  /** Starts two peers of {@code mesh}, n1 dialing n0, and waits for their link. */
  static PeerNode[] twoLinkedPeers(LoopbackCluster mesh, Duration wait) throws Exception {
    PeerNode n0 = mesh.start(mesh.config(0).withTracker(null, false));
    PeerNode n1 = mesh.start(mesh.config(1).withTracker(null, false));
    n1.dial(new PeerAddress(n0.self(), n0.nick(), "127.0.0.1", n0.port()));
    await().atMost(wait).until(() -> n0.linkCount() == 1 && n1.linkCount() == 1);
    return new PeerNode[] {n0, n1};
  }

  /**
   * A member of the room, eve, signs two versions of a line, one for each of mesh peers 0 and 1
   * (the two nodes given); waits until both show their version and both hold the proof against her.
   * Returns eve's id.
   */
  static PeerId memberSignsTwoHistories(
      LoopbackCluster mesh, PeerNode n0, PeerNode n1, Duration wait) throws Exception {
    Identity eve = Identity.generate();
    ChainAuthor toN0 = new ChainAuthor(eve, "lobby");
    ChainAuthor toN1 = new ChainAuthor(eve, "lobby");
    ChatMessage yes = toN0.next("the vote passed");
    ChatMessage no = toN1.next("the vote failed");
    try (RawPeer r0 = new RawPeer(eve, n0.port(), null);
        RawPeer r1 = new RawPeer(eve, n1.port(), null)) {
      r0.send(new LinkMessage.Chat(yes));
      r0.send(new LinkMessage.Head(toN0.head()));
      r1.send(new LinkMessage.Chat(no));
      r1.send(new LinkMessage.Head(toN1.head()));
      await()
          .atMost(wait)
          .until(
              () -> mesh.seen(0).ids().contains(yes.id()) && mesh.seen(1).ids().contains(no.id()));
      PeerId e = eve.peerId();
      await()
          .atMost(wait)
          .alias("the member who signed two histories is proven by both peers")
          .until(
              () ->
                  n0.equivocators().join().containsKey(e)
                      && n1.equivocators().join().containsKey(e));
      return e;
    }
  }

  /**
   * Relays, over {@code r}, one signed line ("hello", with its head) from each of {@code keys}
   * fresh keys, and waits until mesh peer {@code seenBy} holds every one: throwaway keys that are
   * room authors from then on. Returns the keys.
   */
  static List<Identity> throwawayAuthors(
      RawPeer r, int keys, LoopbackCluster mesh, int seenBy, Duration wait) throws Exception {
    List<Identity> made = new ArrayList<>();
    List<ChatMessage> lines = new ArrayList<>();
    for (int i = 0; i < keys; i++) {
      Identity k = Identity.generate();
      ChainAuthor a = new ChainAuthor(k, "lobby");
      ChatMessage hello = a.next("hello");
      made.add(k);
      lines.add(hello);
      r.send(new LinkMessage.Chat(hello));
      r.send(new LinkMessage.Head(a.head()));
    }
    await()
        .atMost(wait)
        .alias("a line of each throwaway key is held")
        .until(() -> lines.stream().allMatch(m -> mesh.seen(seenBy).ids().contains(m.id())));
    return made;
  }
}
