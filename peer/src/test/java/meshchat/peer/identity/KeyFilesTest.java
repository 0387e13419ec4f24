package meshchat.peer.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import meshchat.peer.message.PeerId;
import meshchat.wire.Ed25519;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyFilesTest {
  @TempDir Path dir;
  private final List<String> notices = new ArrayList<>();

  @Test
  void firstStartCreatesAnOwnerOnlyKeyWhoseFingerprintIsThePeerId() throws Exception {
    Identity id = KeyFiles.loadOrCreate(dir, notices::add);

    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("identity.key"))))
        .isEqualTo("rw-------");
    assertThat(id.peerId().toBytes()).isEqualTo(Ed25519.fingerprint(id.publicKey()));
    assertThat(id.peerId().toBytes()).hasSize(16);
    assertThat(Files.readString(dir.resolve("peer-id")).strip()).isEqualTo(id.peerId().hex());
    assertThat(notices).isEmpty();
  }

  @Test
  void theIdIsStableAcrossRestartsAndTheKeyStillSigns() throws Exception {
    Identity first = KeyFiles.loadOrCreate(dir, notices::add);
    Identity again = KeyFiles.loadOrCreate(dir, notices::add);

    assertThat(again.peerId()).isEqualTo(first.peerId());
    byte[] data = "x".getBytes(StandardCharsets.US_ASCII);
    assertThat(Ed25519.verify(first.publicKey(), data, again.sign(data))).isTrue();
  }

  @Test
  void aPreKeyDataDirGetsAKeyAndANewIdAndIsToldOnce() throws Exception {
    PeerId old = PeerId.fromHex("00112233445566778899aabbccddeeff");
    Files.writeString(dir.resolve("peer-id"), old.hex() + "\n");

    Identity id = KeyFiles.loadOrCreate(dir, notices::add);
    KeyFiles.loadOrCreate(dir, notices::add);

    assertThat(id.peerId()).isNotEqualTo(old);
    assertThat(notices).hasSize(1);
    assertThat(notices.get(0)).contains(old.hex()).contains(id.peerId().hex());
    assertThat(Files.readString(dir.resolve("peer-id.pre-key")).strip()).isEqualTo(old.hex());
  }

  @Test
  void aKeyOthersCanReadIsRefused() throws Exception {
    KeyFiles.loadOrCreate(dir, notices::add);
    Files.setPosixFilePermissions(
        dir.resolve("identity.key"), PosixFilePermissions.fromString("rw-r--r--"));

    assertThatThrownBy(() -> KeyFiles.loadOrCreate(dir, notices::add))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("chmod 600");
  }

  @Test
  void aDamagedKeyIsRefusedWithOneLine() throws Exception {
    KeyFiles.loadOrCreate(dir, notices::add);
    Files.write(dir.resolve("identity.key"), new byte[] {1, 2, 3});

    assertThatThrownBy(() -> KeyFiles.loadOrCreate(dir, notices::add))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("damaged key files");
  }

  @Test
  void aSeededIdentityIsReproducible() {
    assertThat(Identity.seeded(new SplittableRandom(5)).peerId())
        .isEqualTo(Identity.seeded(new SplittableRandom(5)).peerId())
        .isNotEqualTo(Identity.seeded(new SplittableRandom(6)).peerId());
  }

  @Test
  void ourSignaturesVerifyWithTheJdksEd25519() throws Exception {
    Identity id = KeyFiles.loadOrCreate(dir, notices::add);
    byte[] data = "interop".getBytes(StandardCharsets.US_ASCII);
    Signature jdk = Signature.getInstance("Ed25519");
    jdk.initVerify(Ed25519.publicKey(id.publicKey()));
    jdk.update(data);
    assertThat(jdk.verify(id.sign(data))).isTrue();
    data[0] ^= 1;
    assertThat(Ed25519.verify(id.publicKey(), data, id.sign("interop".getBytes()))).isFalse();
  }

  @Test
  void ourSignaturesAreByteForByteTheJdksRfc8032Ones() throws Exception {
    // signing reuses the identity's public key instead of deriving it again: same bytes
    KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    Identity id = new Identity(pair);
    byte[] data = "the same text".getBytes(StandardCharsets.US_ASCII);
    Signature jdk = Signature.getInstance("Ed25519");
    jdk.initSign(pair.getPrivate());
    jdk.update(data);

    assertThat(id.sign(data)).isEqualTo(jdk.sign());
  }

  @Test
  void aKeyPairWhosePublicHalfIsAnotherKeysIsRefused() throws Exception {
    // a signature made with a wrong public key would give the private key away
    KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519");
    KeyPair mine = g.generateKeyPair();
    KeyPair other = g.generateKeyPair();

    assertThatThrownBy(() -> new Identity(new KeyPair(other.getPublic(), mine.getPrivate())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not belong");
  }

  @Test
  void aPublicKeyFileOfAnotherKeyIsRefusedAsDamaged() throws Exception {
    KeyFiles.loadOrCreate(dir, notices::add);
    Path elsewhere = Files.createDirectory(dir.resolve("other"));
    KeyFiles.loadOrCreate(elsewhere, notices::add);
    Files.copy(
        elsewhere.resolve("identity.pub"),
        dir.resolve("identity.pub"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);

    assertThatThrownBy(() -> KeyFiles.loadOrCreate(dir, notices::add))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("damaged key files");
  }

  @Test
  void theKeyFilesAreTheJdksOwnEncodingsAndTheJdkReadsThemBack() throws Exception {
    // read by hand at start (no key factory): written exactly as the JDK writes them, so other
    // tools (the JDK, openssl pkey -inform DER) read them too
    Identity id = KeyFiles.loadOrCreate(dir, notices::add);
    byte[] priv = Files.readAllBytes(dir.resolve("identity.key"));
    java.security.KeyFactory kf = java.security.KeyFactory.getInstance("Ed25519");
    java.security.PrivateKey jdkPrivate =
        kf.generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(priv));
    java.security.PublicKey jdkPublic =
        kf.generatePublic(
            new java.security.spec.X509EncodedKeySpec(
                Files.readAllBytes(dir.resolve("identity.pub"))));

    assertThat(jdkPrivate.getEncoded()).isEqualTo(priv);
    assertThat(Ed25519.raw(jdkPublic)).isEqualTo(id.publicKey());
    byte[] data = "same key".getBytes(StandardCharsets.US_ASCII);
    Signature jdk = Signature.getInstance("Ed25519");
    jdk.initSign(jdkPrivate);
    jdk.update(data);
    assertThat(jdk.sign()).isEqualTo(KeyFiles.loadOrCreate(dir, notices::add).sign(data));
  }

  @Test
  void aPkcs8V2KeyWithItsPublicKeyStillLoadsThroughTheJdk() throws Exception {
    // RFC 8410 §10.3's OneAsymmetricKey form (version 1, the public key attached): not the
    // layout read by hand, so the JDK's key factory reads it
    Identity id = KeyFiles.loadOrCreate(dir, notices::add);
    byte[] v1 = Files.readAllBytes(dir.resolve("identity.key"));
    java.io.ByteArrayOutputStream v2 = new java.io.ByteArrayOutputStream();
    v2.write(new byte[] {0x30, 0x51, 0x02, 0x01, 0x01});
    v2.write(v1, 5, v1.length - 5); // the algorithm and the private key, as in v1
    v2.write(new byte[] {(byte) 0x81, 0x21, 0x00});
    v2.write(id.publicKey());
    Files.write(dir.resolve("identity.key"), v2.toByteArray());

    assertThat(KeyFiles.loadOrCreate(dir, notices::add).peerId()).isEqualTo(id.peerId());
  }

  @net.jqwik.api.Property(tries = 300)
  void anyBytesInTheKeyFileLoadTheSameKeyOrAreRefusedAsDamaged(
      @net.jqwik.api.ForAll @net.jqwik.api.constraints.Size(max = 100) byte[] junk,
      @net.jqwik.api.ForAll @net.jqwik.api.constraints.IntRange(max = 47) int keep)
      throws Exception {
    Path d = Files.createTempDirectory("keyfiles");
    try {
      Identity id = KeyFiles.loadOrCreate(d, notices::add);
      byte[] good = Files.readAllBytes(d.resolve("identity.key"));
      // the real key's first bytes then junk: lengths and prefixes at and around the layout's
      byte[] bad = java.util.Arrays.copyOf(good, keep + junk.length);
      System.arraycopy(junk, 0, bad, keep, junk.length);
      Files.write(d.resolve("identity.key"), bad);
      try {
        assertThat(KeyFiles.loadOrCreate(d, notices::add).peerId()).isEqualTo(id.peerId());
      } catch (IllegalArgumentException e) {
        assertThat(e).hasMessageContaining("damaged key files");
      }
    } finally {
      try (var files = Files.list(d)) {
        for (Path f : files.toList()) {
          Files.delete(f);
        }
      }
      Files.delete(d);
    }
  }
}
