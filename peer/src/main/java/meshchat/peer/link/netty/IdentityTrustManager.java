package meshchat.peer.link.netty;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import meshchat.peer.identity.IdentityCertificate;

/**
 * Trusts a peer certificate exactly when it binds an Ed25519 identity to the TLS key (libp2p's
 * rule; {@link IdentityCertificate#identityKey}). There is no authority: any identity may connect,
 * and who it is (its peer id) is the key's fingerprint, which the Hello must then match. Extending
 * {@link X509ExtendedTrustManager} keeps JSSE from adding a host name check of its own.
 */
final class IdentityTrustManager extends X509ExtendedTrustManager {
  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    IdentityCertificate.identityKey(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    IdentityCertificate.identityKey(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    IdentityCertificate.identityKey(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    IdentityCertificate.identityKey(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    IdentityCertificate.identityKey(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    IdentityCertificate.identityKey(chain);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return new X509Certificate[0];
  }
}
