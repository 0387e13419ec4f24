package meshchat.peer.identity;

import java.util.Arrays;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.MessageSigner;
import meshchat.wire.CanonicalBytes;
import meshchat.wire.Ed25519;

/**
 * What an author signs, and the check every receiver makes before it stores or forwards a message
 * (docs/protocol.md, "Canonical encoding"). The signed bytes cover every field of the message and
 * the room, so a message can be neither altered in transit nor replayed into another room.
 */
public final class MessageSigning {
  static final String CONTEXT = "meshchat/chat/v1";

  private MessageSigning() {}

  /**
   * The canonical encoding: context, room, origin, seq, lamport, wall_time_ms, nick, text, the
   * number of deps, then each dep's origin and seq, in the order the message lists them.
   */
  public static byte[] canonical(ChatMessage m, String room) {
    CanonicalBytes b =
        CanonicalBytes.of(CONTEXT)
            .string(room)
            .bytes(m.origin().toBytes())
            .u64(m.seq())
            .u64(m.lamport())
            .u64(m.wallTimeMs())
            .string(m.nick())
            .string(m.text())
            .u64(m.deps().size());
    for (MessageId d : m.deps()) {
      b.bytes(d.origin().toBytes()).u64(d.seq());
    }
    return b.toByteArray();
  }

  /** Signs what {@code identity} authors in {@code room}. */
  public static MessageSigner signer(Identity identity, String room) {
    byte[] key = identity.publicKey();
    return m -> m.signed(key, identity.sign(canonical(m, room)));
  }

  /**
   * Why {@code m} must be refused, or null if its author really signed it: the key's fingerprint
   * must be the origin, and the signature must verify over the canonical encoding.
   */
  public static String problem(ChatMessage m, String room) {
    if (!m.isSigned()) {
      return "message " + m.id() + " is not signed";
    }
    byte[] key = m.publicKey();
    if (!Ed25519.owns(key, m.origin().toBytes())) {
      return "message " + m.id() + " carries a key that is not its origin's";
    }
    if (!Ed25519.verify(key, canonical(m, room), m.signature())) {
      return "message " + m.id() + " has a bad signature";
    }
    return null;
  }

  static boolean keyPairMatches(Identity id) {
    byte[] probe = "meshchat/key-check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    return Ed25519.verify(id.publicKey(), probe, id.sign(probe))
        && Arrays.equals(Ed25519.fingerprint(id.publicKey()), id.peerId().toBytes());
  }
}
