package meshchat.peer.link.netty;

import io.netty.handler.ssl.SslHandler;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;

/**
 * What a finished TLS handshake proved: the identity key of the other end, and the hashes of both
 * certificates, which the Hello proofs sign so that they hold on this connection only.
 */
record TlsBinding(byte[] peerIdentityKey, byte[] localCertHash, byte[] peerCertHash) {
  /** No TLS (harnesses only): nothing proved, empty hashes. */
  static final TlsBinding NONE = new TlsBinding(new byte[0], new byte[0], new byte[0]);

  /** The binding of {@code ssl}'s session, or null if there is none or it does not check. */
  static TlsBinding of(SslHandler ssl) {
    if (ssl == null) {
      return null;
    }
    try {
      SSLSession s = ssl.engine().getSession();
      return new TlsBinding(
          LinkTls.peerIdentityKey(s),
          LinkTls.certificateHash(s.getLocalCertificates()[0]),
          LinkTls.certificateHash(s.getPeerCertificates()[0]));
    } catch (SSLException | RuntimeException e) {
      return null;
    }
  }
}
