package meshchat.testkit.docs;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import meshchat.fixture.docs.HexDump;
import meshchat.peer.frame.LinkCodec;
import meshchat.peer.identity.ChainAuthor;
import meshchat.peer.identity.Identity;
import meshchat.peer.identity.MessageSigning;
import meshchat.peer.message.ChainHead;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.Equivocation;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.LinkMessage.CloseReason;
import meshchat.peer.message.MessageId;
import meshchat.peer.sync.SeqRange;
import meshchat.peer.sync.SeqSet;
import meshchat.testkit.fuzz.LinkContextFrames;
import meshchat.wire.Framing;

/**
 * The source of docs/protocol.md's link-protocol hex dumps and test vectors: every block printed
 * here appears verbatim in the doc (pinned by {@code ProtocolVectorsTest}), so a change to the wire
 * or to what is hashed or signed fails the build until the doc is regenerated. Run {@code java -cp
 * testkit/target/meshchat-testkit-*-all.jar meshchat.testkit.docs.ProtocolVectors} and paste.
 */
public final class ProtocolVectors {
  private ProtocolVectors() {}

  /** An Ed25519 key from a fixed 32-byte seed (RFC 8032 private key): 32 × {@code fill}. */
  static Identity fixed(int fill) {
    byte[] seed = new byte[32];
    Arrays.fill(seed, (byte) fill);
    return Identity.fromSeed(seed);
  }

  private static byte[] counting(int from) {
    byte[] b = new byte[32];
    for (int i = 0; i < 32; i++) {
      b[i] = (byte) (from + i);
    }
    return b;
  }

  /** Named blocks, in the doc's order: frames (length prefix included) and signed bytes. */
  public static Map<String, String> link() {
    Identity alice = fixed(1);
    Identity bob = fixed(2);
    String room = "general";
    byte[] challengeA = counting(0);
    Map<String, String> out = new LinkedHashMap<>();
    LinkMessage.Hello hello =
        new LinkMessage.Hello(Framing.PROTOCOL_VERSION, alice.peerId(), "alice", room, 7000, 41)
            .withIdentity(alice.publicKey(), challengeA);
    frame(out, "Hello", hello);
    // the transcript and HelloProof bind TLS certificates: HandshakeVectorsTest (peer) makes those

    ChainAuthor aliceWrites = new ChainAuthor(alice, room);
    aliceWrites.next(40, 1_795_705_100_000L, "alice", "one", List.of());
    aliceWrites.next(41, 1_795_705_150_000L, "alice", "two", List.of());
    ChatMessage m =
        aliceWrites.next(
            42, 1_795_705_200_000L, "alice", "hi bob", List.of(new MessageId(bob.peerId(), 7)));
    frame(out, "ChatMessage", new LinkMessage.Chat(m));
    out.put("chat canonical", HexDump.dump(MessageSigning.canonical(m, room), false));
    // the same three messages as a sender writes them on a link, in the link's context
    List<byte[]> onALink = LinkContextFrames.written(aliceWrites.written());
    framed(out, "ChatMessage in link context, message 2", onALink.get(1));
    framed(out, "ChatMessage in link context, message 3", onALink.get(2));
    ChainHead head = aliceWrites.head();
    out.put("chat hash", HexDump.plain(head.hash()));
    out.put(
        "head canonical",
        HexDump.dump(
            MessageSigning.canonicalHead(head.origin(), head.seq(), head.hash(), room), false));
    frame(out, "ChainHead", new LinkMessage.Head(head));
    ChatMessage nick = aliceWrites.nickChange(43, 1_795_705_260_000L, "alicia", List.of());
    frame(out, "ChatMessage, nick change", new LinkMessage.Chat(nick));
    out.put("nick canonical", HexDump.dump(MessageSigning.canonical(nick, room), false));

    SeqSet held = SeqSet.of(7, List.of(new SeqRange(9, 12)));
    frame(
        out,
        "Digest",
        new LinkMessage.Digest(
            List.of(
                new LinkMessage.DigestEntry(alice.peerId(), SeqSet.of(3, List.of())),
                new LinkMessage.DigestEntry(bob.peerId(), held)),
            true));
    frame(
        out,
        "SyncRequest",
        new LinkMessage.SyncRequest(
            1, List.of(new LinkMessage.Want(bob.peerId(), new SeqRange(8, 8))), 512));
    ChainAuthor bobWrites = new ChainAuthor(bob, room);
    for (int i = 1; i <= 7; i++) {
      bobWrites.next(i, 1_795_705_000_000L + i * 1000L, "bob", "m" + i, List.of());
    }
    ChatMessage eight = bobWrites.next(40, 1_795_705_175_000L, "bob", "yo", List.of());
    frame(
        out,
        "SyncBatch",
        new LinkMessage.SyncBatch(1, List.of(eight), true, List.of(bobWrites.head())));
    frame(out, "Ping", new LinkMessage.Ping(9));
    frame(out, "Pong", new LinkMessage.Pong(9));
    frame(
        out,
        "PeerList",
        new LinkMessage.PeerList(
            List.of(new LinkMessage.PeerAddress(bob.peerId(), "bob", "192.168.1.21", 7001))));
    frame(out, "Close", new LinkMessage.Close(CloseReason.WRONG_ROOM, "room is general, not ops"));

    // broadcast trees: ids of bob's messages 8 and 9, as a relay announces and a peer grafts them
    List<MessageId> ids = List.of(new MessageId(bob.peerId(), 8), new MessageId(bob.peerId(), 9));
    frame(out, "IHave", new LinkMessage.IHave(ids));
    frame(out, "Graft", new LinkMessage.Graft(ids.subList(1, 2)));
    frame(out, "Prune", new LinkMessage.Prune(List.of(bob.peerId())));

    // membership (partial views of big rooms): bob's address as a walk carries it
    LinkMessage.PeerAddress bobAt =
        new LinkMessage.PeerAddress(bob.peerId(), "bob", "10.0.0.2", 7001);
    LinkMessage.PeerAddress aliceAt =
        new LinkMessage.PeerAddress(alice.peerId(), "alice", "10.0.0.1", 7000);
    frame(out, "Join", new LinkMessage.Join());
    frame(out, "ForwardJoin", new LinkMessage.ForwardJoin(bobAt, 6));
    frame(out, "Neighbor", new LinkMessage.Neighbor(true));
    frame(out, "Shuffle", new LinkMessage.Shuffle(4, List.of(bobAt)));
    frame(out, "ShuffleReply", new LinkMessage.ShuffleReply(List.of(aliceAt)));

    // equivocation: mallory signs two versions of her message 1, "yes" for one peer, "no" for
    // another; a peer that met both proves it, and a digest entry carries the tip it compares
    Identity mallory = fixed(3);
    ChainAuthor yes = new ChainAuthor(mallory, room);
    ChainAuthor no = new ChainAuthor(mallory, room);
    ChatMessage voteYes = yes.next(50, 1_795_705_300_000L, "mallory", "yes", List.of());
    ChatMessage voteNo = no.next(50, 1_795_705_300_000L, "mallory", "no", List.of());
    ChainHead yesHead = yes.head();
    ChainHead noHead = no.head();
    frame(
        out,
        "Equivocation",
        new LinkMessage.Equivocated(
            new Equivocation(yesHead, List.of(voteYes), noHead, List.of(voteNo))));
    frame(
        out,
        "DigestTip",
        new LinkMessage.Digest(
            List.of(
                new LinkMessage.DigestEntry(
                    mallory.peerId(), SeqSet.of(1, List.of()), 1, yesHead.hash())),
            false));
    return out;
  }

  private static void frame(Map<String, String> out, String name, LinkMessage m) {
    framed(out, name, HexDump.delimited(LinkCodec.toFrame(m).toByteArray()));
  }

  private static void framed(Map<String, String> out, String name, byte[] framed) {
    out.put(
        name,
        "`" + name + " (" + framed.length + " bytes)`:\n\n```\n" + HexDump.dump(framed, true));
  }

  /** Every block, named, as the doc holds it. */
  public static String render() {
    StringBuilder b = new StringBuilder();
    link().forEach((name, block) -> b.append(name).append(":\n").append(block).append("\n\n"));
    return b.toString();
  }

  public static void main(String[] args) {
    System.out.print(render());
  }
}
