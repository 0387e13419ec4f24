package meshchat.testkit.bench;

import static com.google.protobuf.CodedOutputStream.computeBoolSize;
import static com.google.protobuf.CodedOutputStream.computeEnumSize;
import static com.google.protobuf.CodedOutputStream.computeInt64Size;
import static com.google.protobuf.CodedOutputStream.computeStringSize;
import static com.google.protobuf.CodedOutputStream.computeTagSize;
import static com.google.protobuf.CodedOutputStream.computeUInt32Size;
import static com.google.protobuf.CodedOutputStream.computeUInt32SizeNoTag;
import static com.google.protobuf.CodedOutputStream.computeUInt64Size;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;
import meshchat.peer.frame.LinkCodec;
import meshchat.peer.message.ChainHead;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.LinkMessage.Chat;
import meshchat.peer.message.LinkMessage.DigestEntry;
import meshchat.peer.message.LinkMessage.PeerAddress;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.peer.sync.SeqRange;
import meshchat.peer.sync.SeqSet;

/**
 * The size of a link message as the wire carries it: its Protobuf frame as the shipped {@link
 * LinkCodec} encodes it (without the length prefix and TLS record around it). Here, with the tools
 * that size frames, because only they may touch Protobuf (BuildRules).
 *
 * <p>The frames the simulation sends by the million (chat messages, history batches, digests,
 * requests, peer lists and Plumtree's ids) are sized by protobuf's own size arithmetic ({@code
 * CodedOutputStream.compute*Size}) over link.proto's fields, without building the frame: encoding
 * every frame only to size it was 7% of a 100-peer run (docs/simulation.md, session 15). {@code
 * FrameSizerTest} checks these sizes against the encoder's on random messages of every such type;
 * the rare others (membership, Close, Hello...) are encoded and measured. proto3 leaves a field at
 * its default out; a set submessage (every envelope body, a want's range) is written even when
 * empty.
 *
 * <p>A room hands the same message object to every link it goes to, so the last one sized is
 * remembered. Each relay wraps a message in a new {@code Chat}, so a chat message's size is also
 * remembered per message (the same object in every simulated store), for Chat frames and history
 * batches alike (docs/decisions/0004-network-stats-by-class.md). The map holds only messages that
 * the stores hold anyway.
 */
public final class FrameSizer implements ToIntFunction<LinkMessage> {
  // LinkFrame's body fields (link.proto)
  private static final int CHAT = 2;
  private static final int DIGEST = 3;
  private static final int SYNC_REQUEST = 4;
  private static final int SYNC_BATCH = 5;
  private static final int PING = 6;
  private static final int PONG = 7;
  private static final int PEER_LIST = 8;
  private static final int IHAVE = 11;
  private static final int GRAFT = 12;
  private static final int PRUNE = 13;
  private static final int HEAD = 15;

  private LinkMessage last;
  private int lastSize;
  private final Map<ChatMessage, Integer> chatSizes = new IdentityHashMap<>();

  @Override
  public int applyAsInt(LinkMessage m) {
    if (m != last) {
      last = m;
      lastSize = size(m);
    }
    return lastSize;
  }

  private int size(LinkMessage m) {
    if (m instanceof Chat c) {
      return field(CHAT, chat(c.message()));
    }
    if (m instanceof LinkMessage.SyncBatch b) {
      return field(SYNC_BATCH, syncBatch(b));
    }
    if (m instanceof LinkMessage.IHave h) {
      return field(IHAVE, ids(h.ids()));
    }
    if (m instanceof LinkMessage.Graft g) {
      return field(GRAFT, ids(g.ids()));
    }
    if (m instanceof LinkMessage.Prune p) {
      int n = 0;
      for (PeerId o : p.origins()) {
        n += bytes(1, o.length());
      }
      return field(PRUNE, n);
    }
    if (m instanceof LinkMessage.Digest d) {
      return field(DIGEST, digest(d));
    }
    if (m instanceof LinkMessage.SyncRequest r) {
      return field(SYNC_REQUEST, syncRequest(r));
    }
    if (m instanceof LinkMessage.PeerList p) {
      int n = 0;
      for (PeerAddress a : p.peers()) {
        n += field(1, peerAddress(a));
      }
      return field(PEER_LIST, n);
    }
    if (m instanceof LinkMessage.Head h) {
      return field(HEAD, head(h.head()));
    }
    if (m instanceof LinkMessage.Ping p) {
      return field(PING, uint64(1, p.nonce()));
    }
    if (m instanceof LinkMessage.Pong p) {
      return field(PONG, uint64(1, p.nonce()));
    }
    return LinkCodec.toFrame(m).getSerializedSize(); // the rare kinds: encoded as the wire does
  }

  /** A chat message's {@code ChatMessage} body, once per message object. */
  private int chat(ChatMessage m) {
    Integer known = chatSizes.get(m);
    if (known != null) {
      return known;
    }
    int n =
        bytes(1, m.origin().length())
            + uint64(2, m.seq())
            + uint64(3, m.lamport())
            + (m.wallTimeMs() == 0 ? 0 : computeInt64Size(4, m.wallTimeMs()))
            + string(5, m.nick())
            + string(6, m.text());
    for (MessageId d : m.deps()) {
      n += field(7, id(d));
    }
    n += bytes(11, m.prevUnsafe().length); // an open room's message is never sealed (field 10)
    n += m.kind().wire() == 0 ? 0 : computeEnumSize(12, m.kind().wire());
    chatSizes.put(m, n);
    return n;
  }

  private int syncBatch(LinkMessage.SyncBatch b) {
    int n = uint64(1, b.requestId());
    for (ChatMessage c : b.messages()) {
      n += field(2, chat(c));
    }
    n += b.done() ? computeBoolSize(3, true) : 0;
    for (ChainHead h : b.heads()) {
      n += field(4, head(h));
    }
    return n;
  }

  private static int digest(LinkMessage.Digest d) {
    int n = 0;
    for (DigestEntry e : d.entries()) {
      SeqSet held = e.held();
      long contiguous = held.contiguous();
      int entry = bytes(1, e.origin().length()) + uint64(2, contiguous);
      if (held.rangeCount() > (contiguous > 0 ? 1 : 0)) { // something beyond the contiguous run
        for (SeqRange r : held.beyond()) {
          entry += field(3, range(r));
        }
      }
      entry += uint64(4, e.tipSeq());
      entry += bytes(5, e.tipSeq() == 0 ? 0 : ChatMessage.HASH_BYTES); // a tip is both or neither
      n += field(1, entry);
    }
    return n + (d.complete() ? computeBoolSize(2, true) : 0);
  }

  private static int syncRequest(LinkMessage.SyncRequest r) {
    int n = uint64(1, r.requestId());
    for (LinkMessage.Want w : r.wants()) {
      n += field(2, bytes(1, w.origin().length()) + field(2, range(w.range())));
    }
    return n + (r.maxMessages() == 0 ? 0 : computeUInt32Size(3, r.maxMessages()));
  }

  private static int peerAddress(PeerAddress a) {
    return bytes(1, a.peerId().length())
        + string(2, a.nick())
        + string(3, a.host())
        + (a.port() == 0 ? 0 : computeUInt32Size(4, a.port()));
  }

  private static int head(ChainHead h) {
    return bytes(1, h.origin().length())
        + uint64(2, h.seq())
        + bytes(3, h.hash().length)
        + bytes(4, h.signature().length)
        + bytes(5, h.publicKey().length);
  }

  private static int ids(List<MessageId> ids) {
    int n = 0;
    for (MessageId d : ids) {
      n += field(1, id(d));
    }
    return n;
  }

  private static int id(MessageId d) {
    return bytes(1, d.origin().length()) + uint64(2, d.seq());
  }

  private static int range(SeqRange r) {
    return uint64(1, r.first()) + uint64(2, r.last());
  }

  /** A set submessage or a repeated one: its tag, its length and itself, even when empty. */
  private static int field(int number, int length) {
    return computeTagSize(number) + computeUInt32SizeNoTag(length) + length;
  }

  /** A bytes field of {@code length} bytes; left out when empty. */
  private static int bytes(int number, int length) {
    return length == 0 ? 0 : field(number, length);
  }

  private static int string(int number, String s) {
    return s.isEmpty() ? 0 : computeStringSize(number, s);
  }

  private static int uint64(int number, long v) {
    return v == 0 ? 0 : computeUInt64Size(number, v);
  }
}
