package meshchat.peer.message;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import meshchat.peer.limit.WireBounds;
import meshchat.peer.sync.SeqRange;
import meshchat.peer.sync.SeqSet;

/**
 * What travels on a peer link, as domain records. {@code meshchat.peer.frame.LinkCodec} converts
 * these to and from the wire's {@code LinkFrame}; nothing else sees generated classes.
 */
public sealed interface LinkMessage {

  /**
   * The first message on a link, sent by both sides. {@code publicKey} is the sender's raw Ed25519
   * key (its fingerprint must be {@code peerId}); {@code challenge} is 32 fresh random bytes the
   * other side must sign in its {@link HelloProof}. Both are empty until the link layer fills them.
   */
  record Hello(
      int protocolVersion,
      PeerId peerId,
      String nick,
      String room,
      int listenPort,
      long lamport,
      byte[] publicKey,
      byte[] challenge)
      implements LinkMessage {
    public Hello {
      WireBounds.within("lamport", lamport, 0, WireBounds.MAX_LAMPORT);
      publicKey = publicKey == null ? new byte[0] : publicKey.clone();
      challenge = challenge == null ? new byte[0] : challenge.clone();
    }

    public Hello(
        int protocolVersion,
        PeerId peerId,
        String nick,
        String room,
        int listenPort,
        long lamport) {
      this(protocolVersion, peerId, nick, room, listenPort, lamport, null, null);
    }

    /** This Hello with the key and challenge the link layer adds. */
    public Hello withIdentity(byte[] key, byte[] newChallenge) {
      return new Hello(protocolVersion, peerId, nick, room, listenPort, lamport, key, newChallenge);
    }

    @Override
    public byte[] publicKey() {
      return publicKey.clone();
    }

    @Override
    public byte[] challenge() {
      return challenge.clone();
    }

    /** Every component, the arrays by content (a record compares them by reference). */
    @Override
    public boolean equals(Object o) {
      return o instanceof Hello h
          && protocolVersion == h.protocolVersion
          && listenPort == h.listenPort
          && lamport == h.lamport
          && Objects.equals(peerId, h.peerId)
          && Objects.equals(nick, h.nick)
          && Objects.equals(room, h.room)
          && Arrays.equals(publicKey, h.publicKey)
          && Arrays.equals(challenge, h.challenge);
    }

    @Override
    public int hashCode() {
      return 31 * Objects.hashCode(peerId) + Long.hashCode(lamport);
    }

    @Override
    public String toString() {
      return "Hello[v%d, %s, %s, room=%s, port=%d, lamport=%d]"
          .formatted(protocolVersion, peerId.shortHex(), nick, room, listenPort, lamport);
    }
  }

  /**
   * The second handshake frame, sent by each side once it has the other's Hello: proof that the
   * sender holds the key of its Hello (docs/protocol.md, "Connection state machine").
   *
   * @param signature Ed25519 over the handshake transcript, which includes the receiver's challenge
   * @param roomMac HMAC-SHA256 of the transcript with a private room's key; empty in an open room
   */
  record HelloProof(byte[] signature, byte[] roomMac) implements LinkMessage {
    public HelloProof {
      signature = signature.clone();
      roomMac = roomMac.clone();
    }

    @Override
    public byte[] signature() {
      return signature.clone();
    }

    @Override
    public byte[] roomMac() {
      return roomMac.clone();
    }

    /** Both arrays by content (a record compares them by reference). */
    @Override
    public boolean equals(Object o) {
      return o instanceof HelloProof p
          && Arrays.equals(signature, p.signature)
          && Arrays.equals(roomMac, p.roomMac);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(signature);
    }

    @Override
    public String toString() {
      return "HelloProof[" + signature.length + " + " + roomMac.length + " bytes]";
    }
  }

  /**
   * A chat message, sent by its author or forwarded.
   *
   * @param hash the message's chain hash as the receiving link's frame decoder computed it while it
   *     had the frame's bytes (docs/benchmarks.md, session 36), or null: a cache the link's chain
   *     check takes instead of hashing again, never read from the wire, and not part of the value
   *     (equality and the hash code are the message's alone)
   */
  record Chat(ChatMessage message, byte[] hash) implements LinkMessage {
    /** A chat message whose chain hash nobody computed yet. */
    public Chat(ChatMessage message) {
      this(message, null);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Chat c && message.equals(c.message);
    }

    @Override
    public int hashCode() {
      return message.hashCode();
    }

    @Override
    public String toString() {
      return "Chat[message=" + message + "]";
    }
  }

  /**
   * Never on the wire: the frame layer's word that {@code message}, read on its author's own link,
   * is not yet covered by a signed head (the room may show it, nothing more; the message itself
   * follows as a {@link Chat} once its head is checked). docs/security.md, "Lines shown before
   * their head".
   */
  record Unsigned(ChatMessage message) implements LinkMessage {}

  /**
   * One origin's holdings in a digest, and the chain hash of the sender's message {@code tipSeq} of
   * that origin ({@code tipSeq} 0 and an empty hash: none), so that two peers holding different
   * histories of one author notice it even when they hold the same seqs.
   */
  record DigestEntry(PeerId origin, SeqSet held, long tipSeq, byte[] tipHash) {
    // an entry without a tip (every entry of an unsigned room) shares this one: a complete digest
    // of a 1,000-author room is 1,000 entries
    private static final byte[] NO_TIP = new byte[0];

    public DigestEntry {
      WireBounds.within("tip seq", tipSeq, 0, WireBounds.MAX_SEQ);
      tipHash = tipHash == null || tipHash.length == 0 ? NO_TIP : tipHash.clone();
      if ((tipSeq == 0) != (tipHash.length == 0)
          || (tipHash.length != 0 && tipHash.length != ChatMessage.HASH_BYTES)) {
        throw new IllegalArgumentException("a tip is a seq and a 32-byte hash, or neither");
      }
    }

    public DigestEntry(PeerId origin, SeqSet held) {
      this(origin, held, 0, null);
    }

    @Override
    public byte[] tipHash() {
      return tipHash.length == 0 ? NO_TIP : tipHash.clone();
    }

    /** Every component, the tip hash by content (a record compares arrays by reference). */
    @Override
    public boolean equals(Object o) {
      return o instanceof DigestEntry e
          && tipSeq == e.tipSeq
          && Objects.equals(origin, e.origin)
          && Objects.equals(held, e.held)
          && Arrays.equals(tipHash, e.tipHash);
    }

    @Override
    public int hashCode() {
      return 31 * Objects.hashCode(origin) + Long.hashCode(tipSeq);
    }
  }

  /**
   * A summary of the sender's history: every origin if {@code complete}, else only the entries that
   * changed since the sender's previous digest on this link.
   */
  record Digest(List<DigestEntry> entries, boolean complete) implements LinkMessage {
    public Digest {
      entries = List.copyOf(entries);
    }
  }

  /** One range of one origin that a requester wants. */
  record Want(PeerId origin, SeqRange range) {}

  /** Ask for messages; the answer holds at most {@code maxMessages} of them. */
  record SyncRequest(long requestId, List<Want> wants, int maxMessages) implements LinkMessage {
    public SyncRequest {
      wants = List.copyOf(wants);
    }
  }

  /**
   * The signed head of an author's hash chain: sent by the author after a burst of its messages,
   * forwarded by a relay after the messages it covers.
   */
  record Head(ChainHead head) implements LinkMessage {}

  /**
   * Proof that an author equivocated, spread to the room so that every peer freezes that author's
   * history at the same seq (docs/security.md, "Equivocation").
   */
  record Equivocated(Equivocation proof) implements LinkMessage {}

  /**
   * Part of the answer to a SyncRequest; {@code done} marks the last part. {@code heads} holds, for
   * each run of consecutive messages of one origin, a head at the run's last seq.
   */
  record SyncBatch(long requestId, List<ChatMessage> messages, boolean done, List<ChainHead> heads)
      implements LinkMessage {
    public SyncBatch {
      messages = List.copyOf(messages);
      heads = List.copyOf(heads);
    }

    /** A batch without heads (the simulation, whose messages are not chained). */
    public SyncBatch(long requestId, List<ChatMessage> messages, boolean done) {
      this(requestId, messages, done, List.of());
    }
  }

  record Ping(long nonce) implements LinkMessage {}

  record Pong(long nonce) implements LinkMessage {}

  /** A known room member and where it listens. */
  record PeerAddress(PeerId peerId, String nick, String host, int port) {}

  /** The sender's current links, for peer exchange and for the forwarding rule. */
  record PeerList(List<PeerAddress> peers) implements LinkMessage {
    public PeerList {
      peers = List.copyOf(peers);
    }
  }

  enum CloseReason {
    UNSPECIFIED,
    PROTOCOL_ERROR,
    VERSION_MISMATCH,
    WRONG_ROOM,
    DUPLICATE_LINK,
    SELF_LINK,
    FRAME_TOO_LARGE,
    INVALID_MESSAGE,
    LEAVING,
    IDLE,
    LIMIT_EXCEEDED,
    UNAUTHENTICATED
  }

  /** The sender is closing the link, and why. */
  record Close(CloseReason reason, String message) implements LinkMessage {}

  /** Lazy push: the sender holds these messages and did not push them on this link. */
  record IHave(List<MessageId> ids) implements LinkMessage {
    public IHave {
      ids = List.copyOf(ids);
    }
  }

  /** Push to me on this link again, starting with these ids (sent back as Chat if held). */
  record Graft(List<MessageId> ids) implements LinkMessage {
    public Graft {
      ids = List.copyOf(ids);
    }
  }

  /**
   * Duplicates of these authors' messages arrived on this link: push only ids of their messages to
   * me on it from now on; no author: of every author's (the whole link).
   */
  record Prune(List<PeerId> origins) implements LinkMessage {
    public Prune {
      origins = List.copyOf(origins);
    }

    /** The whole link. */
    public Prune() {
      this(List.of());
    }
  }

  /**
   * One round (1, 2 or 3) of a private room's password-authenticated key exchange, during the
   * handshake only (docs/protocol.md, "Private room handshake").
   */
  record RoomPake(int round, byte[] payload) implements LinkMessage {
    public RoomPake {
      payload = payload.clone();
    }

    @Override
    public byte[] payload() {
      return payload.clone();
    }

    /** The round, and the payload by content (a record compares arrays by reference). */
    @Override
    public boolean equals(Object o) {
      return o instanceof RoomPake r && round == r.round && Arrays.equals(payload, r.payload);
    }

    @Override
    public int hashCode() {
      return 31 * round + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
      return "RoomPake[round " + round + ", " + payload.length + " bytes]";
    }
  }

  /**
   * The membership family (HyParView: Leitão, Pereira, Rodrigues 2007): how a big room keeps small
   * random partial views. Handled by {@code meshchat.peer.membership.Membership}, not the room
   * (docs/protocol.md, "Membership").
   */
  sealed interface ViewMessage extends LinkMessage {}

  /** The sender is new (or back) in the room and joins through this link: spread the word. */
  record Join() implements ViewMessage {}

  /**
   * {@code peer} joined; this walk has {@code ttl} more hops to go. At its end (ttl 0, or a peer
   * with no other link) the receiver links to {@code peer}.
   */
  record ForwardJoin(PeerAddress peer, int ttl) implements ViewMessage {
    public ForwardJoin {
      WireBounds.within("ttl", ttl, 0, 255);
    }
  }

  /**
   * Sent by the dialer of a link right after the handshake: whether it must have this link ({@code
   * high}: it has no other, or the link ends a forward-join) or asks for it only if the receiver's
   * view has room.
   */
  record Neighbor(boolean high) implements ViewMessage {}

  /**
   * A random walk of {@code ttl} more hops carrying a sample of live peers; its last receiver keeps
   * them and answers, on the link it came from, with a {@link ShuffleReply} of as many of its own.
   */
  record Shuffle(int ttl, List<PeerAddress> peers) implements ViewMessage {
    public Shuffle {
      WireBounds.within("ttl", ttl, 0, 255);
      peers = List.copyOf(peers);
    }
  }

  /** The answer to a {@link Shuffle}: peers for the receiver's passive view. */
  record ShuffleReply(List<PeerAddress> peers) implements ViewMessage {
    public ShuffleReply {
      peers = List.copyOf(peers);
    }
  }
}
