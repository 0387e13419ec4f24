package meshchat.peer.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import meshchat.peer.message.PeerId;

/**
 * A peer's stable id: 16 random bytes chosen on first start and kept in {@code <data>/peer-id} as
 * hex, so that restarts keep the same identity (and the same message sequence).
 */
final class PeerIdentity {
  static final String FILE = "peer-id";

  private PeerIdentity() {}

  /** Reads the id, or creates it; IOException or IllegalArgumentException say why not. */
  static PeerId loadOrCreate(Path dataDir) throws IOException {
    Path file = dataDir.resolve(FILE);
    if (Files.exists(file)) {
      String hex = Files.readString(file, StandardCharsets.US_ASCII).strip();
      try {
        return PeerId.fromHex(hex);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(file + " is not a peer id: " + e.getMessage());
      }
    }
    PeerId id = PeerId.random(new SecureRandom());
    Path tmp = dataDir.resolve(FILE + ".tmp");
    Files.writeString(
        tmp,
        id.hex() + "\n",
        StandardCharsets.US_ASCII,
        StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING);
    Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    return id;
  }
}
