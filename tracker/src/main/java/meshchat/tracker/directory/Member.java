package meshchat.tracker.directory;

import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import meshchat.peer.message.PeerId;
import meshchat.tracker.client.MemberStatements;

/**
 * One peer's entry in a room, with the address the tracker recorded for it and, when it proved its
 * key, the registration as it signed it ({@code statement}; null only for a registration without a
 * key proof, which a tracker accepts only when started for tests).
 */
public record Member(PeerId peerId, String nick, String host, int port, Statement statement) {
  /** How long a signed statement holds after its timestamp, for the tracker as for peers. */
  public static final Duration STATEMENT_LIFETIME = MemberStatements.LIFETIME;

  public Member {
    Objects.requireNonNull(peerId, "peerId");
    Objects.requireNonNull(nick, "nick");
    Objects.requireNonNull(host, "host");
  }

  public Member(PeerId peerId, String nick, String host, int port) {
    this(peerId, nick, host, port, null);
  }

  /** True if the statement ran out at {@code nowMillis} (never for an entry without one). */
  public boolean statementExpired(long nowMillis) {
    // compared without adding to a hostile timestamp: near Long.MAX_VALUE it must not overflow
    return statement != null && statement.timestampMs() < nowMillis - STATEMENT_LIFETIME.toMillis();
  }

  /**
   * What a member signed to be listed (docs/protocol.md, "Signed membership"): its Register's key,
   * signature and timestamp, and the session it was made on (nonce, source address) with the host
   * as sent.
   */
  public record Statement(
      byte[] publicKey,
      byte[] signature,
      long timestampMs,
      byte[] sessionNonce,
      String observedHost,
      String advertisedHost) {
    public Statement {
      publicKey = publicKey.clone();
      signature = signature.clone();
      sessionNonce = sessionNonce.clone();
      Objects.requireNonNull(observedHost, "observedHost");
      Objects.requireNonNull(advertisedHost, "advertisedHost");
    }

    @Override
    public byte[] publicKey() {
      return publicKey.clone();
    }

    @Override
    public byte[] signature() {
      return signature.clone();
    }

    @Override
    public byte[] sessionNonce() {
      return sessionNonce.clone();
    }

    /** Every component, the arrays by content (a record compares them by reference). */
    @Override
    public boolean equals(Object o) {
      return o instanceof Statement s
          && timestampMs == s.timestampMs
          && Arrays.equals(publicKey, s.publicKey)
          && Arrays.equals(signature, s.signature)
          && Arrays.equals(sessionNonce, s.sessionNonce)
          && observedHost.equals(s.observedHost)
          && advertisedHost.equals(s.advertisedHost);
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.hashCode(signature) + Long.hashCode(timestampMs);
    }

    @Override
    public String toString() {
      return "Statement[signed at " + timestampMs + " from " + observedHost + "]";
    }
  }
}
