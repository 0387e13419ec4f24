package meshchat.peer.identity;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import meshchat.peer.message.ChainHead;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.MessageSigner;
import meshchat.peer.message.PeerId;
import meshchat.wire.CanonicalBytes;
import meshchat.wire.Ed25519;

/**
 * The hash chain and its signed heads (docs/protocol.md, "Hash chain"). A message's chain hash is
 * SHA-256 over its canonical encoding, which covers every field, the room and the hash of the
 * author's previous message; the author signs (origin, seq, hash) of its latest message once per
 * burst. Altering any message of a chain, moving it to another room or another author, or splicing
 * it into another chain changes a hash that the signed head pins.
 */
public final class MessageSigning {
  static final String CHAT_CONTEXT = "meshchat/chat/v2";
  static final String HEAD_CONTEXT = "meshchat/head/v1";

  private static final ThreadLocal<MessageDigest> SHA256 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException("every JVM has SHA-256", e);
            }
          });

  // per thread: room a peer id is copied into for hashing (PeerId.toBytes makes a copy per call)
  private static final ThreadLocal<byte[]> ID_BYTES =
      ThreadLocal.withInitial(() -> new byte[PeerId.MAX_BYTES]);

  /** The context and the room, encoded once per room rather than once per message. */
  private record Start(String room, byte[] bytes) {}

  private static volatile Start lastStart =
      new Start("", CanonicalBytes.of(CHAT_CONTEXT).string("").toByteArray());

  private MessageSigning() {}

  private static CanonicalBytes start(String room) {
    Start s = lastStart;
    if (!s.room().equals(room)) {
      s = new Start(room, CanonicalBytes.of(CHAT_CONTEXT).string(room).toByteArray());
      lastStart = s;
    }
    return CanonicalBytes.continuing(s.bytes());
  }

  private static void id(CanonicalBytes b, PeerId id, byte[] scratch) {
    id.copyTo(scratch, 0);
    b.bytes(scratch, 0, id.length());
  }

  /**
   * The canonical encoding that the chain hash covers: context, room, origin, seq, lamport,
   * wall_time_ms, nick, text, the number of deps, each dep's origin and seq in the order the
   * message lists them, then prev, then the kind's wire number unless the kind is TEXT (so a line
   * hashes as it did before kinds existed, and a nick change never hashes as a line).
   */
  public static byte[] canonical(ChatMessage m, String room) {
    return canonicalBytes(m, room).toByteArray();
  }

  private static CanonicalBytes canonicalBytes(ChatMessage m, String room) {
    byte[] scratch = ID_BYTES.get();
    CanonicalBytes b = start(room);
    id(b, m.origin(), scratch);
    b.u64(m.seq())
        .u64(m.lamport())
        .u64(m.wallTimeMs())
        .string(m.nick())
        .string(m.text())
        .u64(m.deps().size());
    for (MessageId d : m.deps()) {
      id(b, d.origin(), scratch);
      b.u64(d.seq());
    }
    b.bytes(m.prevUnsafe());
    if (m.kind() != ChatMessage.Kind.TEXT) {
      b.u64(m.kind().wire());
    }
    return b;
  }

  /** The chain hash of {@code m} in {@code room}: SHA-256 of {@link #canonical}. */
  public static byte[] hash(ChatMessage m, String room) {
    return canonicalBytes(m, room).digest(SHA256.get());
  }

  /** What a head's signature covers: context, room, origin, seq, hash. */
  public static byte[] canonicalHead(PeerId origin, long seq, byte[] hash, String room) {
    return CanonicalBytes.of(HEAD_CONTEXT)
        .string(room)
        .bytes(origin.toBytes())
        .u64(seq)
        .bytes(hash)
        .toByteArray();
  }

  /** Chains and signs what {@code identity} authors in {@code room}. */
  public static MessageSigner signer(Identity identity, String room) {
    byte[] key = identity.publicKey();
    return new MessageSigner() {
      @Override
      public byte[] hash(ChatMessage m) {
        return MessageSigning.hash(m, room);
      }

      @Override
      public ChainHead signHead(PeerId origin, long seq, byte[] hash) {
        byte[] sig = identity.sign(canonicalHead(origin, seq, hash, room));
        return new ChainHead(origin, seq, hash, sig, key);
      }
    };
  }

  /**
   * Why {@code head} must be refused, or null if its origin really signed it with {@code key}: the
   * key's fingerprint must be the origin, and the signature must verify over the canonical head.
   */
  public static String headProblem(ChainHead head, byte[] key, String room) {
    if (!Ed25519.owns(key, head.origin().toBytes())) {
      return "head " + head.id() + " carries a key that is not its origin's";
    }
    byte[] signed = canonicalHead(head.origin(), head.seq(), head.hash(), room);
    if (!Ed25519.verify(key, signed, head.signature())) {
      return "head " + head.id() + " has a bad signature";
    }
    return null;
  }
}
