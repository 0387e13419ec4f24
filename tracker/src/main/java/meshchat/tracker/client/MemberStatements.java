package meshchat.tracker.client;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import meshchat.peer.limit.WireBounds;
import meshchat.peer.message.Hosts;
import meshchat.proto.v1.Member;
import meshchat.wire.Ed25519;

/**
 * Checks a member entry's signed statement (docs/protocol.md, "Signed membership"). The tracker
 * hands out each member's Register as the member signed it, so a peer can see for itself that the
 * holder of the id's key asked, within the last hour, to be listed in this room with this nick and
 * address, on a session to the tracker from the address the entry names. Neither the tracker nor
 * whoever sits on its plain-TCP session can list an honest member's id at another address or in
 * another room, keep a statement alive past its hour, or invent a member whose key it lacks.
 */
public final class MemberStatements {
  /**
   * How long a statement holds after it was signed: a member signs a fresh one (registers again on
   * its session) well before, and the tracker drops the entry then, so a captured or stale
   * statement cannot keep an id listed for good.
   */
  public static final Duration LIFETIME = Duration.ofHours(1);

  /** The clock difference allowed between the member and this peer, as the tracker allows it. */
  public static final Duration SKEW = Duration.ofMinutes(5);

  private MemberStatements() {}

  /**
   * Why {@code m}'s statement does not hold for {@code room} at {@code nowMillis}, or null if it
   * does. Never throws, whatever the entry holds.
   */
  public static String problem(String room, Member m, long nowMillis) {
    if (m.getPublicKey().isEmpty() && m.getSignature().isEmpty()) {
      return "the tracker listed a member without its signed statement";
    }
    byte[] key = m.getPublicKey().toByteArray();
    if (!Ed25519.owns(key, m.getPeerId().toByteArray())) {
      return "the member's id is not its key's fingerprint";
    }
    String nick = m.getNick();
    // an honest tracker takes 1..32 characters and no control; a link refuses a membership frame
    // naming a nick over 128 bytes, so one taken here would have our Shuffles close our own links
    // (rev36 FINDING-6)
    if (nick.isEmpty()
        || nick.getBytes(StandardCharsets.UTF_8).length > WireBounds.MAX_NICK_BYTES
        || nick.chars().anyMatch(Character::isISOControl)) {
      return "the member's nick is not one a tracker takes";
    }
    if (!Hosts.plausible(m.getHost())) {
      return "the member's host is not a host name or IP address";
    }
    String advertised = m.getAdvertisedHost();
    if (!m.getHost().equals(wildcard(advertised) ? m.getObservedHost() : advertised)) {
      return "the member's host is not the one it registered";
    }
    long ts = m.getTimestampMs();
    // compared without arithmetic on ts: a hostile one near either end must not overflow
    if (ts > nowMillis + SKEW.toMillis()) {
      return "the member's statement is signed in the future";
    }
    if (ts < nowMillis - LIFETIME.toMillis() - SKEW.toMillis()) {
      return "the member's statement has expired";
    }
    byte[] signed =
        RegistrationKey.transcript(
            m.getSessionNonce().toByteArray(),
            m.getObservedHost(),
            room,
            m.getPeerId().toByteArray(),
            m.getNick(),
            advertised,
            m.getPort(),
            ts);
    byte[] signature = m.getSignature().toByteArray();
    // a statement verified once is remembered (what was signed, by which key, with which
    // signature), so a replayed MemberJoined or member list costs a hash and a lookup, not a
    // signature check each time; the time checks above still run on every one
    ByteBuffer seen = ByteBuffer.wrap(seenKey(key, signed, signature));
    synchronized (VERIFIED) {
      if (VERIFIED.get(seen) != null) {
        return null;
      }
    }
    verifications.incrementAndGet();
    if (!Ed25519.verify(key, signed, signature)) {
      return "the member's signed statement does not verify";
    }
    synchronized (VERIFIED) {
      VERIFIED.put(seen, Boolean.TRUE);
    }
    return null;
  }

  /** Most verified statements remembered (the oldest used forgotten first): 4,096 x ~100 bytes. */
  static final int MAX_VERIFIED = 4_096;

  private static final LinkedHashMap<ByteBuffer, Boolean> VERIFIED =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ByteBuffer, Boolean> e) {
          return size() > MAX_VERIFIED;
        }
      };

  /** Signature checks run (tests: a replay costs none). */
  static final AtomicLong verifications = new AtomicLong();

  /** SHA-256 over the key, the signed transcript and the signature, each length-prefixed. */
  private static byte[] seenKey(byte[] key, byte[] signed, byte[] signature) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      for (byte[] part : new byte[][] {key, signed, signature}) {
        d.update(ByteBuffer.allocate(4).putInt(part.length).array());
        d.update(part);
      }
      return d.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-256", e);
    }
  }

  /** A host that means "the address you see me from" (docs/protocol.md, "Register"). */
  static boolean wildcard(String host) {
    return host.isEmpty() || host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
  }
}
