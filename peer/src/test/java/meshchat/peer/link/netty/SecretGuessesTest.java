package meshchat.peer.link.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Wrong private room secrets per source (an IPv4 address or an IPv6 /64): five at once, then one
 * per 30 s; per network (an IPv6 /48), four sources' worth; members never run out.
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

  @Test
  void theSlash64sOfOneSlash48ShareFourSourcesGuesses() throws Exception {
    // a /48 is 65,536 /64s: each had its own 5 guesses, 327,680 at once from one site
    int made = 0;
    for (int i = 1; i <= 200; i++) {
      InetAddress from = InetAddress.getByName("2001:db8:7:" + Integer.toHexString(i) + "::1");
      while (guesses.mayGuess(from, now.get())) {
        guesses.spend(from, now.get());
        made++;
      }
    }
    assertThat(made).isEqualTo(SecretGuesses.NETWORK_SOURCES * SecretGuesses.BURST);
    // another /48 has its own, and an IPv4 address is a network of its own
    assertThat(guesses.mayGuess(InetAddress.getByName("2001:db8:8:1::1"), now.get())).isTrue();
    assertThat(guesses.mayGuess(InetAddress.getByName("10.0.0.9"), now.get())).isTrue();
    // the network refills NETWORK_SOURCES guesses a period, not one per /64
    now.addAndGet(SecretGuesses.REFILL_NANOS);
    int later = 0;
    for (int i = 201; i <= 400; i++) {
      InetAddress from = InetAddress.getByName("2001:db8:7:" + Integer.toHexString(i) + "::1");
      while (guesses.mayGuess(from, now.get())) {
        guesses.spend(from, now.get());
        later++;
      }
    }
    assertThat(later).isEqualTo(SecretGuesses.NETWORK_SOURCES);
  }

  @Test
  void aMemberOfABusyNetworkGetsItsNetworksGuessBackToo() throws Exception {
    // three neighbours in its /48 spend all their guesses: 15 of the network's 20
    for (int n = 2; n <= 4; n++) {
      InetAddress other = InetAddress.getByName("2001:db8:9:" + n + "::1");
      for (int i = 0; i < SecretGuesses.BURST; i++) {
        guesses.spend(other, now.get());
      }
    }
    InetAddress member = InetAddress.getByName("2001:db8:9:1::1");
    for (int i = 0; i < 100; i++) {
      assertThat(guesses.mayGuess(member, now.get())).as("round %d", i).isTrue();
      guesses.spend(member, now.get());
      guesses.refund(member, now.get());
    }
  }
}
