package meshchat.peer.nick;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import meshchat.peer.message.PeerId;
import org.junit.jupiter.api.Test;

/**
 * rev29 F4: rev27 bounded the nicks one key holds by first use (16), so one key's flood no longer
 * pushes another key's pin out of the book. Keys cost nothing: a stranger in an open room signs one
 * line under each of 10,000 fresh keys (or 16 under each of 625) and sends them on its one link;
 * every line is shown, so every nick is seen, and the book (10,000 nicks, least recently seen
 * forgotten first) forgets alice, who was not seen lately. Her pin is gone from known-nicks too,
 * and the stranger's next key takes "alice" as its first user: shown bare and trusted, no warning.
 */
class Rev29F4ManyKeysNickFloodTest {
  private final SplittableRandom random = new SplittableRandom(29);
  private final PeerId alice = PeerId.random(random);
  private final PeerId mallory = PeerId.random(random);

  @Test
  void aFloodOfNicksFromManyThrowawayKeysCannotUnpinAnotherKeysNick() {
    NickBook book = new NickBook(() -> {});
    book.see(alice, "alice", 1);
    long t = 2;
    for (int i = 0; i < NickBook.MAX_NICKS; i++) {
      book.see(PeerId.random(random), "m" + i, t++);
    }
    NickBook.Label l = book.see(mallory, "alice", t);
    assertThat(l.trusted()).as("mallory's key under alice's nick").isFalse();
    assertThat(l.fingerprint()).isNotNull();
    assertThat(l.firstWarning()).isTrue();
  }

  @Test
  void sixteenNicksEachFrom625KeysCannotEither() {
    NickBook book = new NickBook(() -> {});
    book.see(alice, "alice", 1);
    long t = 2;
    for (int k = 0; k < NickBook.MAX_NICKS / NickBook.MAX_FIRST_PER_KEY; k++) {
      PeerId key = PeerId.random(random);
      for (int i = 0; i < NickBook.MAX_FIRST_PER_KEY; i++) {
        book.see(key, "k" + k + "n" + i, t++);
      }
    }
    assertThat(book.see(mallory, "alice", t).trusted()).isFalse();
  }
}
