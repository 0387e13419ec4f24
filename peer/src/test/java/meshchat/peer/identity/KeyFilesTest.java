package meshchat.peer.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
}
