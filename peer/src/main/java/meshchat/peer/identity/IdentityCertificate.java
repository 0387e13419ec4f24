package meshchat.peer.identity;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import meshchat.wire.Ed25519;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The self-signed TLS certificate that carries a peer's Ed25519 identity, in the format of the
 * libp2p TLS handshake (libp2p specs, tls/tls.md): the certificate's own key is an ephemeral ECDSA
 * P-256 key, unrelated to the identity; an extension (OID 1.3.6.1.4.1.53594.1.1) holds {@code
 * SignedKey ::= SEQUENCE { publicKey OCTET STRING, signature OCTET STRING }}, where publicKey is
 * the identity key as libp2p's protobuf {@code PublicKey{Type=Ed25519, Data=32 bytes}} and
 * signature is the identity key's Ed25519 signature of {@code "libp2p-tls-handshake:" ‖
 * SubjectPublicKeyInfo} of the certificate key. TLS proves possession of the certificate key
 * (CertificateVerify), the extension proves the identity key vouched for it: together, the identity
 * is at the other end of this very TLS connection.
 */
public final class IdentityCertificate {
  public static final String EXTENSION_OID = "1.3.6.1.4.1.53594.1.1";
  static final byte[] SIGNING_PREFIX = "libp2p-tls-handshake:".getBytes(StandardCharsets.US_ASCII);
  // protobuf PublicKey: field 1 (Type) = 1 (Ed25519), field 2 (Data) = 32 bytes
  private static final byte[] PROTO_PREFIX = {0x08, 0x01, 0x12, 0x20};
  // validity is meaningless for a key that lives as long as its process; libp2p implementations
  // use wide bounds too, so a peer whose clock is off by years still links
  private static final Date NOT_BEFORE = Date.from(Instant.parse("1975-01-01T00:00:00Z"));
  private static final Date NOT_AFTER = Date.from(Instant.parse("4096-01-01T00:00:00Z"));

  private final PrivateKey key;
  private final X509Certificate certificate;

  private IdentityCertificate(PrivateKey key, X509Certificate certificate) {
    this.key = key;
    this.certificate = certificate;
  }

  /** A fresh certificate key, vouched for by {@code identity}. */
  public static IdentityCertificate create(Identity identity) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair pair = g.generateKeyPair();
      byte[] spki = pair.getPublic().getEncoded();
      byte[] signature = identity.sign(concat(SIGNING_PREFIX, spki));
      ASN1Encodable signedKey =
          new DERSequence(
              new ASN1Encodable[] {
                new DEROctetString(concat(PROTO_PREFIX, identity.publicKey())),
                new DEROctetString(signature)
              });
      X500Name name = new X500Name("SN=" + identity.peerId().hex());
      JcaX509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              name,
              new BigInteger(64, new SecureRandom()).add(BigInteger.ONE),
              NOT_BEFORE,
              NOT_AFTER,
              name,
              pair.getPublic());
      b.addExtension(new ASN1ObjectIdentifier(EXTENSION_OID), false, signedKey);
      X509Certificate cert =
          new JcaX509CertificateConverter()
              .getCertificate(
                  b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
      return new IdentityCertificate(pair.getPrivate(), cert);
    } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
      throw new IllegalStateException("cannot build the TLS certificate: " + e.getMessage(), e);
    }
  }

  public PrivateKey privateKey() {
    return key;
  }

  public X509Certificate certificate() {
    return certificate;
  }

  /**
   * The raw Ed25519 identity key a peer's certificate chain vouches for: exactly one certificate,
   * self-signed, within its validity, with a valid SignedKey extension over its own key.
   *
   * @throws CertificateException naming what is wrong
   */
  public static byte[] identityKey(X509Certificate[] chain) throws CertificateException {
    if (chain == null || chain.length != 1) {
      throw new CertificateException(
          "expected one certificate, got " + (chain == null ? 0 : chain.length));
    }
    X509Certificate cert = chain[0];
    cert.checkValidity();
    try {
      cert.verify(cert.getPublicKey());
    } catch (GeneralSecurityException e) {
      throw new CertificateException("the certificate is not self-signed: " + e.getMessage());
    }
    byte[] ext = cert.getExtensionValue(EXTENSION_OID);
    if (ext == null) {
      throw new CertificateException("the certificate carries no identity key extension");
    }
    byte[] publicKey;
    byte[] signature;
    try {
      ASN1Sequence seq = ASN1Sequence.getInstance(ASN1OctetString.getInstance(ext).getOctets());
      if (seq.size() != 2) {
        throw new IllegalArgumentException("SignedKey has " + seq.size() + " fields");
      }
      publicKey = ASN1OctetString.getInstance(seq.getObjectAt(0)).getOctets();
      signature = ASN1OctetString.getInstance(seq.getObjectAt(1)).getOctets();
    } catch (RuntimeException e) {
      throw new CertificateException("malformed identity key extension: " + e.getMessage());
    }
    if (publicKey.length != PROTO_PREFIX.length + Ed25519.PUBLIC_KEY_BYTES
        || !Arrays.equals(
            publicKey, 0, PROTO_PREFIX.length, PROTO_PREFIX, 0, PROTO_PREFIX.length)) {
      throw new CertificateException("the identity key is not an Ed25519 key");
    }
    byte[] raw = Arrays.copyOfRange(publicKey, PROTO_PREFIX.length, publicKey.length);
    if (!Ed25519.verify(raw, concat(SIGNING_PREFIX, cert.getPublicKey().getEncoded()), signature)) {
      throw new CertificateException("the identity key did not sign the certificate's key");
    }
    return raw;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
