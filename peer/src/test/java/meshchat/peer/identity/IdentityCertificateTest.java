package meshchat.peer.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Date;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

/** The certificate binding of libp2p's TLS handshake: what it accepts and what it refuses. */
class IdentityCertificateTest {
  private final Identity bob = Identity.generate();
  private final Identity mallory = Identity.generate();

  @Test
  void aPeersOwnCertificateYieldsItsIdentityKey() throws Exception {
    X509Certificate c = IdentityCertificate.create(bob).certificate();
    assertThat(IdentityCertificate.identityKey(new X509Certificate[] {c}))
        .isEqualTo(bob.publicKey());
  }

  @Test
  void aCertificateClaimingBobsKeyWithoutBobsSignatureIsRefused() throws Exception {
    // Mallory's certificate key, Bob's identity key in the extension, Mallory's signature
    X509Certificate forged = forge(bob.publicKey(), mallory, null);
    assertThatThrownBy(() -> IdentityCertificate.identityKey(new X509Certificate[] {forged}))
        .isInstanceOf(CertificateException.class)
        .hasMessageContaining("did not sign the certificate's key");
  }

  @Test
  void bobsSignatureCopiedOntoAnotherCertificateKeyIsRefused() throws Exception {
    // Bob's genuine SignedKey (lifted from his certificate) on a certificate of Mallory's key
    X509Certificate genuine = IdentityCertificate.create(bob).certificate();
    byte[] ext = genuine.getExtensionValue(IdentityCertificate.EXTENSION_OID);
    X509Certificate forged = forge(null, null, ext);
    assertThatThrownBy(() -> IdentityCertificate.identityKey(new X509Certificate[] {forged}))
        .isInstanceOf(CertificateException.class)
        .hasMessageContaining("did not sign the certificate's key");
  }

  @Test
  void noExtensionTwoCertificatesOrNoneAreRefused() throws Exception {
    X509Certificate plain = forge(null, null, null);
    assertThatThrownBy(() -> IdentityCertificate.identityKey(new X509Certificate[] {plain}))
        .hasMessageContaining("no identity key extension");
    X509Certificate c = IdentityCertificate.create(bob).certificate();
    assertThatThrownBy(() -> IdentityCertificate.identityKey(new X509Certificate[] {c, c}))
        .hasMessageContaining("expected one certificate");
    assertThatThrownBy(() -> IdentityCertificate.identityKey(new X509Certificate[0]))
        .hasMessageContaining("expected one certificate");
  }

  /**
   * A self-signed P-256 certificate whose extension is: {@code rawExtension} as is; or a SignedKey
   * naming {@code claimedKey}, signed by {@code signer} over the certificate key; or absent.
   */
  private static X509Certificate forge(byte[] claimedKey, Identity signer, byte[] rawExtension)
      throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair pair = g.generateKeyPair();
    X500Name name = new X500Name("CN=forged");
    JcaX509v3CertificateBuilder b =
        new JcaX509v3CertificateBuilder(
            name,
            BigInteger.ONE,
            new Date(0),
            new Date(32503680000000L), // 3000-01-01
            name,
            pair.getPublic());
    ASN1ObjectIdentifier oid = new ASN1ObjectIdentifier(IdentityCertificate.EXTENSION_OID);
    if (rawExtension != null) {
      // getExtensionValue returns the OCTET STRING wrapping the extension's DER value
      byte[] inner = ASN1OctetString.getInstance(rawExtension).getOctets();
      b.addExtension(oid, false, inner);
    } else if (claimedKey != null) {
      byte[] spki = pair.getPublic().getEncoded();
      byte[] prefix = IdentityCertificate.SIGNING_PREFIX;
      byte[] signed = Arrays.copyOf(prefix, prefix.length + spki.length);
      System.arraycopy(spki, 0, signed, prefix.length, spki.length);
      byte[] proto = new byte[36];
      proto[0] = 0x08;
      proto[1] = 0x01;
      proto[2] = 0x12;
      proto[3] = 0x20;
      System.arraycopy(claimedKey, 0, proto, 4, 32);
      b.addExtension(
          oid,
          false,
          new DERSequence(
              new ASN1Encodable[] {
                new DEROctetString(proto), new DEROctetString(signer.sign(signed))
              }));
    }
    return new JcaX509CertificateConverter()
        .getCertificate(
            b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
  }
}
