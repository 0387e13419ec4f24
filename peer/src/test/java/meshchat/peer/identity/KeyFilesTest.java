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
}
