package meshchat.peer.identity;

import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import meshchat.peer.message.ChainHead;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.MessageSigner;
import meshchat.peer.message.PeerId;
import meshchat.wire.CanonicalBytes;
import meshchat.wire.Ed25519;
import org.bouncycastle.crypto.digests.SHA256Digest;

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

  /**
   * What hashing a message needs, per thread and kept: the digest, a buffer a peer id is copied
   * into ({@code PeerId.toBytes} makes a copy per call) and the canonical bytes' buffer (a chain
   * hash per message, on the room thread and in catch-ups, allocated none of them).
   */
  private static final class Scratch {
    final MessageDigest sha256;
    // the chain hash under C1 alone (a peer without the launcher's compiler directives, which give
    // C2 the JDK's SHA-256): Bouncy Castle's, faster than the JDK's there (CanonicalBytes.digest);
    // with C2 the JDK's, see CHAIN_BY_BOUNCY_CASTLE
    final SHA256Digest chain = new SHA256Digest();
    final byte[] id = new byte[PeerId.MAX_BYTES];
    final CanonicalBytes bytes = CanonicalBytes.reusable();
    // the UTF-8 bytes of the nicks hashed lately, by instance (a slot per nick's hash): an author's
    // lines share one nick instance (SharedValues), so its bytes are made once, not once per line
    final String[] nicks = new String[NICK_SLOTS];
    final byte[][] nickBytes = new byte[NICK_SLOTS][];
    // a head's check on the verify pool: what its signature covers, and its key's fingerprint
    final CanonicalBytes head = CanonicalBytes.reusable();
    final byte[] fingerprint = new byte[32];
    // and its keys' checks and tables: a bounded table per thread (docs/benchmarks.md, pp17, lat19)
    final Ed25519.Verifier verifier = new Ed25519.Verifier();

    Scratch() {
      try {
        sha256 = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("every JVM has SHA-256", e);
      }
    }
  }

  private static final int NICK_SLOTS = 16;

  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  /**
   * The JIT the launcher gave this JVM, {@value #JIT_PROPERTY}{@code =c1} for C1 alone (a peer's
   * and {@code bench catchup}'s flags, see the {@code meshchat} script). Reading the JVM's own
   * flags takes the management beans, 40-55 ms at a start.
   */
  static final String JIT_PROPERTY = "meshchat.jit";

  /**
   * Which SHA-256 computes chain hashes. C2 compiles the JDK's to the CPU's SHA instructions where
   * it has them (x86 SHA-NI, or AVX2; ARMv8's SHA2): 170 ns against Bouncy Castle's 1,105 ns for a
   * 200-byte message here, where SHA-256 was 22 % of the throughput cell's CPU. C1 has no such
   * intrinsic, and there Bouncy Castle's is the faster: 1,565 against 2,075 ns (a loop of 200,000,
   * `chrt`; docs/benchmarks.md, session 19). Both give the same bytes (CanonicalBytesTest,
   * MessageSigningTest).
   */
  static final boolean CHAIN_BY_BOUNCY_CASTLE = "c1".equals(System.getProperty(JIT_PROPERTY));

  /**
   * A context and the room, encoded once per room rather than once per message: the last room's
   * bytes are kept (a peer has one room; a bench's peers share it).
   */
  private static final class Start {
    private record Room(String name, byte[] bytes) {}

    private final String context;
    private volatile Room last;

    Start(String context) {
      this.context = context;
      this.last = encode("");
    }

    private Room encode(String room) {
      return new Room(room, CanonicalBytes.of(context).string(room).toByteArray());
    }

    byte[] of(String room) {
      Room r = last;
      if (!r.name().equals(room)) {
        r = encode(room);
        last = r;
      }
      return r.bytes();
    }
  }

  private static final Start CHAT_START = new Start(CHAT_CONTEXT);

  private static final Start HEAD_START = new Start(HEAD_CONTEXT);

  private MessageSigning() {}

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
    return canonicalBytes(m, room, SCRATCH.get()).toByteArray();
  }

  /** In {@code s}'s buffer: valid until the thread's next use of it. */
  private static CanonicalBytes canonicalBytes(ChatMessage m, String room, Scratch s) {
    return canonicalBytes(m, room, s, null, 0, 0);
  }

  /**
   * As above, with the text's UTF-8 bytes taken from {@code text[from, from + length)} if {@code
   * text} is not null (they must be {@code m.text()}'s: a frame's, as read), not encoded again.
   */
  private static CanonicalBytes canonicalBytes(
      ChatMessage m, String room, Scratch s, byte[] text, int from, int length) {
    byte[] scratch = s.id;
    CanonicalBytes b = s.bytes.restart(CHAT_START.of(room));
    id(b, m.origin(), scratch);
    b.u64(m.seq()).u64(m.lamport()).u64(m.wallTimeMs()).bytes(utf8Nick(m.nick(), s));
    if (text == null) {
      b.string(m.text());
    } else {
      b.bytes(text, from, length);
    }
    b.u64(m.deps().size());
    List<MessageId> deps = m.deps();
    for (int i = 0; i < deps.size(); i++) { // no iterator per message
      MessageId d = deps.get(i);
      id(b, d.origin(), scratch);
      b.u64(d.seq());
    }
    b.bytes(m.prevUnsafe());
    if (m.kind() != ChatMessage.Kind.TEXT) {
      b.u64(m.kind().wire());
    }
    return b;
  }

  /**
   * {@code nick}'s UTF-8 bytes, as {@link CanonicalBytes#string} would write them; kept for the
   * instance (a string never changes), so the array is never written.
   */
  private static byte[] utf8Nick(String nick, Scratch s) {
    int slot = nick.hashCode() & (NICK_SLOTS - 1);
    if (s.nicks[slot] == nick) {
      return s.nickBytes[slot];
    }
    byte[] b = nick.getBytes(StandardCharsets.UTF_8);
    s.nickBytes[slot] = b;
    s.nicks[slot] = nick;
    return b;
  }

  /** The chain hash of {@code m} in {@code room}: SHA-256 of {@link #canonical}. */
  public static byte[] hash(ChatMessage m, String room) {
    return hash(m, room, CHAIN_BY_BOUNCY_CASTLE);
  }

  /**
   * {@link #hash(ChatMessage, String)} with the text's UTF-8 bytes as a frame carried them, {@code
   * text[from, from + length)}, which must be what {@code m.text()} encodes to (the frame reader
   * decoded the text from them): the same hash without encoding the text again (the largest
   * allocation a received line made, docs/benchmarks.md, session 35).
   */
  public static byte[] hash(ChatMessage m, String room, byte[] text, int from, int length) {
    Scratch s = SCRATCH.get();
    CanonicalBytes bytes = canonicalBytes(m, room, s, text, from, length);
    return CHAIN_BY_BOUNCY_CASTLE ? bytes.digest(s.chain) : bytes.digest(s.sha256);
  }

  /** {@link #hash(ChatMessage, String)} by Bouncy Castle's SHA-256 or by the JDK's. */
  static byte[] hash(ChatMessage m, String room, boolean byBouncyCastle) {
    Scratch s = SCRATCH.get();
    CanonicalBytes bytes = canonicalBytes(m, room, s);
    return byBouncyCastle ? bytes.digest(s.chain) : bytes.digest(s.sha256);
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
    // every receiver checks a head per burst, and at 1,000 msgs/s in five peers that is a head per
    // message: the fingerprint and the signed bytes are made in the thread's buffers, not in new
    // arrays, and the key's point and table are built once per origin, not per head, by our copy
    // of Bouncy Castle's verification, which allocates nothing (Ed25519.Verifier: the raw-key
    // check's verdict, pinned by Ed25519VerifierTest; docs/benchmarks.md, session 19)
    Scratch s = SCRATCH.get();
    PeerId origin = head.origin();
    if (!owns(key, origin, s)) {
      return "head " + head.id() + " carries a key that is not its origin's";
    }
    CanonicalBytes signed = s.head.restart(HEAD_START.of(room));
    id(signed, origin, s.id);
    signed.u64(head.seq()).bytes(head.hash());
    if (!signed.signedBy(s.verifier, key, head.signature())) {
      return "head " + head.id() + " has a bad signature";
    }
    return null;
  }

  /** {@link Ed25519#owns}, in the thread's buffers: the key's fingerprint is {@code origin}. */
  private static boolean owns(byte[] key, PeerId origin, Scratch s) {
    if (key.length != Ed25519.PUBLIC_KEY_BYTES || origin.length() != Ed25519.FINGERPRINT_BYTES) {
      return false;
    }
    MessageDigest sha = s.sha256;
    sha.reset();
    sha.update(key);
    try {
      sha.digest(s.fingerprint, 0, s.fingerprint.length);
    } catch (DigestException e) {
      throw new IllegalStateException("SHA-256 fits in 32 bytes", e);
    }
    origin.copyTo(s.id, 0);
    // both are public: a plain comparison, as Ed25519.owns's
    return Arrays.equals(
        s.fingerprint, 0, Ed25519.FINGERPRINT_BYTES, s.id, 0, Ed25519.FINGERPRINT_BYTES);
  }
}
