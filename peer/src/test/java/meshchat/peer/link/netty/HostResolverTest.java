package meshchat.peer.link.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.common.util.concurrent.Uninterruptibles;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import meshchat.peer.identity.Identity;
import meshchat.peer.limit.Counters;
import org.junit.jupiter.api.Test;

/**
 * A host a stranger names is looked up off every event loop (docs/security.md, "Hosts"): a name
 * whose DNS answer took seconds, looked up where the dial was asked (the room thread), stopped the
 * room, and every room sharing its loop, for those seconds.
 */
class HostResolverTest {
  private final Identity me = Identity.seeded(new SplittableRandom(5));
  private final LinkSetup setup = QuietSetup.of(me, new Counters());

  @Test
  void anAddressIsTakenAsItIsAndANameIsLeftForTheLookup() {
    for (String literal : new String[] {"127.0.0.1", "::1", "[::1]", "10.0.0.5"}) {
      InetSocketAddress a = HostResolver.address(literal, 7000);
      assertThat(a.isUnresolved()).as(literal).isFalse();
      assertThat(a.getPort()).isEqualTo(7000);
    }
    assertThat(HostResolver.address("[::1]", 1).getAddress().isLoopbackAddress()).isTrue();
    for (String name : new String[] {"chat.example.org", "localhost", "slow.example"}) {
      assertThat(HostResolver.address(name, 7000).isUnresolved()).as(name).isTrue();
    }
  }

  @Test
  void aSlowLookupHoldsNoEventLoopAndTheDialGoesOnWhenItAnswers() throws Exception {
    EventLoopGroup io = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    CountDownLatch answer = new CountDownLatch(1);
    AtomicReference<String> lookedUpOn = new AtomicReference<>();
    HostResolver slow =
        new HostResolver(
            host -> {
              lookedUpOn.set(Thread.currentThread().getName());
              Uninterruptibles.awaitUninterruptibly(answer); // a DNS server taking its time
              return InetAddress.getLoopbackAddress();
            });
    try (ServerSocket target = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        LinkEndpoint endpoint = new LinkEndpoint(io, setup)) {
      endpoint.resolveWith(slow);
      endpoint.dial(HostResolver.address("slow.example", target.getLocalPort()));
      await().atMost(Duration.ofSeconds(10)).until(() -> lookedUpOn.get() != null);
      assertThat(lookedUpOn.get()).isEqualTo("meshchat-resolve");
      // the loop the links (and the room) run on answers while the lookup waits
      assertThat(io.submit(() -> 42).get(5, TimeUnit.SECONDS)).isEqualTo(42);
      answer.countDown();
      target.setSoTimeout(10_000);
      try (Socket dialed = target.accept()) {
        assertThat(dialed.getInetAddress().isLoopbackAddress()).isTrue();
      }
    } finally {
      answer.countDown();
      io.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  @Test
  void aNameWithNoAddressEndsTheAttempt() throws Exception {
    EventLoopGroup io = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try (LinkEndpoint endpoint = new LinkEndpoint(io, setup)) {
      endpoint.resolveWith(
          new HostResolver(
              host -> {
                throw new UnknownHostException(host);
              }));
      endpoint.dial(HostResolver.address("nowhere.example", 7000)).get(10, TimeUnit.SECONDS);
    } finally {
      io.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  @Test
  void pastTheBoundALookupFailsAtOnce() throws Exception {
    CountDownLatch answer = new CountDownLatch(1);
    HostResolver slow =
        new HostResolver(
            host -> {
              Uninterruptibles.awaitUninterruptibly(answer);
              return InetAddress.getLoopbackAddress();
            });
    try {
      List<CompletableFuture<InetSocketAddress>> waiting = new ArrayList<>();
      // one being looked up, MAX_WAITING queued: all of them wait
      for (int i = 0; i <= HostResolver.MAX_WAITING; i++) {
        waiting.add(slow.resolve(HostResolver.address("n" + i + ".example", 1)));
      }
      CompletableFuture<InetSocketAddress> over =
          slow.resolve(HostResolver.address("x.example", 1));
      assertThat(over).isCompletedExceptionally();
      assertThat(waiting).noneMatch(CompletableFuture::isDone);
      answer.countDown();
      for (CompletableFuture<InetSocketAddress> f : waiting) {
        assertThat(f.get(10, TimeUnit.SECONDS).getAddress().isLoopbackAddress()).isTrue();
      }
    } finally {
      answer.countDown();
    }
  }
}
