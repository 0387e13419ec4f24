package meshchat.peer.link.netty;

import io.netty.handler.ssl.SslHandler;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;

/**
 * What a finished TLS handshake proved: the identity key of the other end, and the hashes of both
 * certificates, which the Hello proofs sign so that they hold on this connection only.
 */
record TlsBinding(byte[] peerIdentityKey, byte[] localCertHash, byte[] peerCertHash) {
  /** No TLS (harnesses only): nothing proved, empty hashes. */
  static final TlsBinding NONE = new TlsBinding(new byte[0], new byte[0], new byte[0]);

  /**
   * The binding of {@code ssl}'s session, or null if there is none or it does not check. Our own
   * certificate is {@code local}, not the session's word for it: BoringSSL's sessions do not report
   * the local certificate a key manager chose.
   */
  static TlsBinding of(SslHandler ssl, X509Certificate local) {
    if (ssl == null) {
      return null;
    }
    try {
      SSLSession s = ssl.engine().getSession();
      return new TlsBinding(
          LinkTls.peerIdentityKey(s),
          LinkTls.certificateHash(local),
          LinkTls.certificateHash(s.getPeerCertificates()[0]));
    } catch (SSLException | RuntimeException e) {
      return null;
    }
  }
}
