package meshchat.peer.nick;

import static org.assertj.core.api.Assertions.assertThat;

import meshchat.peer.message.PeerId;
import org.junit.jupiter.api.Test;

/**
 * rev29 F14: {@code /trust NICK FINGERPRINT} trusts every untrusted key of the nick whose id starts
 * with the fingerprint given. Ids are fingerprints of keys anyone makes: 65,536 key pairs on
 * average give mallory an id that starts with the four hex digits of alice's new key. The user,
 * told "alice·7c01 (unknown key)" when alice's new device first spoke, checks with alice that her
 * key starts 7c01 and types {@code /trust alice 7c01}: mallory's key, also under "alice" (or a
 * look-alike of it), is trusted with hers, and mallory's lines read as alice's from then on. An
 * ambiguous prefix must trust nobody (as an empty one already does for two keys).
 */
class Rev29F14AmbiguousTrustPrefixTest {
  private static final PeerId ALICE_OLD = PeerId.fromHex("3f2a9c1e000000000000000000000001");
  private static final PeerId ALICE_NEW = PeerId.fromHex("7c01b500000000000000000000000002");
  private static final PeerId MALLORY = PeerId.fromHex("7c01a900000000000000000000000003");

  @Test
  void aFingerprintPrefixThatNamesTwoKeysTrustsNeither() {
    NickBook book = new NickBook(() -> {});
    book.see(ALICE_OLD, "alice", 1);
    book.see(ALICE_NEW, "alice", 2); // her new device
    book.see(MALLORY, "\u0430lice", 3); // Cyrillic a: a claim on "alice"
    NickBook.Trusted t = book.trust("alice", "7c01", 4);
    assertThat(t.keys()).as("keys trusted by /trust alice 7c01").doesNotContain(MALLORY);
    assertThat(book.see(MALLORY, "\u0430lice", 5).trusted()).isFalse();
  }
}
