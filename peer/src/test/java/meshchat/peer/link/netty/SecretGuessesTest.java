package meshchat.peer.link.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Wrong private room secrets per source (an IPv4 address or an IPv6 /64): five at once, then one
 * per 30 s; members never run out.
 */
class SecretGuessesTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final SecretGuesses guesses = new SecretGuesses();

  @Test
  void fiveWrongGuessesThenOneEveryThirtySecondsPerAddress() throws Exception {
    InetAddress mallory = InetAddress.getByName("10.6.6.6");
    InetAddress other = InetAddress.getByName("10.0.0.2");
    for (int i = 0; i < SecretGuesses.BURST; i++) {
      assertThat(guesses.mayGuess(mallory, now.get())).isTrue();
      guesses.spend(mallory, now.get());
    }
    assertThat(guesses.mayGuess(mallory, now.get())).isFalse();
    assertThat(guesses.mayGuess(other, now.get())).isTrue(); // per address
    now.addAndGet(SecretGuesses.REFILL_NANOS - 1);
    assertThat(guesses.mayGuess(mallory, now.get())).isFalse();
    now.addAndGet(1);
    assertThat(guesses.mayGuess(mallory, now.get())).isTrue();
    guesses.spend(mallory, now.get());
    assertThat(guesses.mayGuess(mallory, now.get())).isFalse();
  }

  @Test
  void aMemberThatProvesTheSecretGetsItsGuessBack() throws Exception {
    InetAddress member = InetAddress.getByName("10.0.0.3");
    for (int i = 0; i < 100; i++) {
      assertThat(guesses.mayGuess(member, now.get())).isTrue();
      guesses.spend(member, now.get());
      guesses.refund(member, now.get());
    }
  }

  @Test
  void theAddressesOfOneIpv6Slash64ShareTheirGuesses() throws Exception {
    // one host's /64: it may send from any of 2^64 addresses, each new one was a fresh bucket
    for (int i = 1; i <= SecretGuesses.BURST; i++) {
      InetAddress from = InetAddress.getByName("2001:db8:0:1::" + Integer.toHexString(i));
      assertThat(guesses.mayGuess(from, now.get())).isTrue();
      guesses.spend(from, now.get());
    }
    assertThat(guesses.mayGuess(InetAddress.getByName("2001:db8:0:1:ffff::9"), now.get()))
        .isFalse();
    assertThat(guesses.mayGuess(InetAddress.getByName("2001:db8:0:2::1"), now.get())).isTrue();
  }
}
