package meshchat.peer.link.netty;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import meshchat.peer.identity.IdentityCertificate;

/**
 * Always presents the one identity certificate, as client and as server. Handing JSSE the key
 * directly avoids a key store, whose PKCS#12 encryption of the key costs more than a handshake.
 */
final class IdentityKeyManager extends X509ExtendedKeyManager {
  private static final String ALIAS = "identity";
  private final IdentityCertificate certificate;

  IdentityKeyManager(IdentityCertificate certificate) {
    this.certificate = certificate;
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return new String[] {ALIAS};
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return ALIAS;
  }

  @Override
  public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
    return ALIAS;
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return new String[] {ALIAS};
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return ALIAS;
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return ALIAS;
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    return new X509Certificate[] {certificate.certificate()};
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    return certificate.privateKey();
  }
}
