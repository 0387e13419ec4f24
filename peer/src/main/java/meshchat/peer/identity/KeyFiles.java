package meshchat.peer.identity;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import meshchat.peer.message.PeerId;
import meshchat.wire.Ed25519;

/**
 * The key pair in the data directory: {@code identity.key} (the private key, PKCS#8 DER, mode 0600)
 * and {@code identity.pub} (the public key, X.509 DER). Created on first start; like ssh, a private
 * key that others may read is refused rather than used. {@code peer-id} keeps the id's hex for
 * people and tools; the key is the truth.
 *
 * <p>Migration: a data directory from before keys has a random {@code peer-id} and no key. It gets
 * a key and therefore a new id (the old one cannot be proven); the old file is kept as {@code
 * peer-id.pre-key} and the caller is told once.
 */
public final class KeyFiles {
  public static final String PRIVATE = "identity.key";
  public static final String PUBLIC = "identity.pub";
  public static final String PEER_ID = "peer-id";
  static final String OLD_PEER_ID = "peer-id.pre-key";
  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");

  private KeyFiles() {}

  /**
   * Loads the identity of {@code dataDir}, creating it on first start. {@code notice} hears one
   * line when a pre-key id is replaced.
   *
   * @throws IOException if the files cannot be read or written
   * @throws IllegalArgumentException if a key file is damaged or readable by others
   */
  public static Identity loadOrCreate(Path dataDir, Consumer<String> notice) throws IOException {
    Path priv = dataDir.resolve(PRIVATE);
    if (Files.exists(priv)) {
      return load(dataDir, priv);
    }
    Optional<String> oldId = readOldId(dataDir.resolve(PEER_ID));
    Identity id = Identity.generate();
    write(dataDir, id);
    oldId.ifPresent(
        old ->
            notice.accept(
                "this peer's id changed from "
                    + old
                    + " to "
                    + id.peerId().hex()
                    + ": ids are now key fingerprints (docs/security.md)"));
    return id;
  }

  private static Identity load(Path dataDir, Path priv) throws IOException {
    PosixFileAttributeView view = Files.getFileAttributeView(priv, PosixFileAttributeView.class);
    if (view != null) {
      Set<PosixFilePermission> perms = view.readAttributes().permissions();
      if (!EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE)
          .containsAll(perms)) {
        throw new IllegalArgumentException(
            priv
                + " is accessible by others ("
                + PosixFilePermissions.toString(perms)
                + "); run chmod 600 on it");
      }
    }
    byte[] privateBytes = Files.readAllBytes(priv);
    byte[] publicBytes = Files.readAllBytes(dataDir.resolve(PUBLIC));
    // the encodings this peer writes are read by hand: the JDK's key factory costs a cold start
    // tens of milliseconds (its providers and their EdDSA classes) for two fixed byte layouts
    byte[] seed = Ed25519.seedOfPkcs8(privateBytes);
    byte[] publicKey = Ed25519.rawOrNull(publicBytes);
    try {
      if (seed != null && publicKey != null) {
        // refuses a public key that is not the private key's own (Identity derives it again): a
        // signature made with another would give the private key away
        return new Identity(seed, publicKey);
      }
      KeyFactory kf = KeyFactory.getInstance("Ed25519");
      PrivateKey privateKey = kf.generatePrivate(new PKCS8EncodedKeySpec(privateBytes));
      PublicKey pub = kf.generatePublic(new X509EncodedKeySpec(publicBytes));
      return new Identity(new KeyPair(pub, privateKey));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      // the user's line names the file and what to do, not the JDK's words ("IOException : null")
      Path bad = seed == null ? priv : dataDir.resolve(PUBLIC);
      String what =
          seed != null && publicKey != null
              ? bad + " is not the public key of " + priv
              : bad
                  + " is not a key ("
                  + (seed == null ? privateBytes : publicBytes).length
                  + " bytes)";
      throw new IllegalArgumentException(
          "damaged key files in "
              + dataDir
              + ": "
              + what
              + "; left as they are: restore them from a backup, or use another --data to join"
              + " as a new member");
    }
  }

  private static void write(Path dataDir, Identity id) throws IOException {
    Path tmp = dataDir.resolve(PRIVATE + ".tmp");
    Files.deleteIfExists(tmp);
    try {
      Files.createFile(tmp, ownerOnly(dataDir));
    } catch (FileAlreadyExistsException e) {
      throw new IOException("another process is creating " + tmp, e);
    }
    // each file reaches the disk before the key is renamed into place: a power cut after the
    // rename must not leave an empty key file where the identity was (rev38's lead; kill -9 never
    // could, the page cache outlives the process)
    durably(tmp, id.pkcs8());
    durably(dataDir.resolve(PUBLIC), Ed25519.publicKey(id.publicKey()).getEncoded());
    Path peerId = dataDir.resolve(PEER_ID);
    if (Files.exists(peerId)) {
      Files.move(peerId, dataDir.resolve(OLD_PEER_ID), StandardCopyOption.REPLACE_EXISTING);
    }
    durably(peerId, (id.peerId().hex() + "\n").getBytes(StandardCharsets.US_ASCII));
    // the private key appears last and atomically: a crash before this leaves no half identity
    Files.move(tmp, dataDir.resolve(PRIVATE), StandardCopyOption.ATOMIC_MOVE);
    try (FileChannel dir = FileChannel.open(dataDir, StandardOpenOption.READ)) {
      dir.force(true); // the renames themselves
    } catch (IOException e) {
      // a file system that cannot open a directory for reading (not Linux): the files are synced
    }
  }

  private static void durably(Path file, byte[] bytes) throws IOException {
    try (FileChannel ch =
        FileChannel.open(
            file,
            StandardOpenOption.WRITE,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      while (b.hasRemaining()) {
        ch.write(b);
      }
      ch.force(true);
    }
  }

  private static FileAttribute<?>[] ownerOnly(Path dir) {
    return Files.getFileAttributeView(dir, PosixFileAttributeView.class) == null
        ? new FileAttribute<?>[0]
        : new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)};
  }

  private static Optional<String> readOldId(Path file) throws IOException {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    String hex = Files.readString(file, StandardCharsets.US_ASCII).strip();
    try {
      return Optional.of(PeerId.fromHex(hex).hex());
    } catch (IllegalArgumentException e) {
      return Optional.of(hex.length() > 64 ? hex.substring(0, 64) : hex);
    }
  }
}
