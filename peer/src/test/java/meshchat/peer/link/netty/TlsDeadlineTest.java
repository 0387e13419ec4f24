package meshchat.peer.link.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import meshchat.peer.identity.Identity;
import org.junit.jupiter.api.Test;

/**
 * The TLS handshake's timeout has the starved loop's grace HelloHandler's has ({@link
 * TlsDeadline}): real TLS engines on two EmbeddedChannels whose bytes the test carries, time moved
 * by the channels' own tickers. Before (session 35) the SslHandler's own timer closed a link whose
 * handshake bytes sat unread behind a late loop.
 */
class TlsDeadlineTest {
  private static final long TIMEOUT_MS = 5_000;
  private final LinkTls serverTls = LinkTls.forIdentity(Identity.generate());
  private final LinkTls clientTls = LinkTls.forIdentity(Identity.generate());
  private final List<Object> events = new CopyOnWriteArrayList<>();

  private EmbeddedChannel side(LinkTls tls, boolean dialedByUs) {
    EmbeddedChannel ch = new EmbeddedChannel();
    tls.addTo(ch.pipeline(), dialedByUs, TIMEOUT_MS);
    ch.pipeline()
        .addLast(
            new ChannelInboundHandlerAdapter() {
              @Override
              public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                if (!dialedByUs) {
                  events.add(evt);
                }
              }
            });
    ch.runPendingTasks();
    return ch;
  }

  /** Carries what each side wrote to the other until neither writes more. */
  private static void carry(EmbeddedChannel a, EmbeddedChannel b) {
    boolean moved = true;
    while (moved) {
      moved = move(a, b) | move(b, a);
    }
  }

  private static boolean move(EmbeddedChannel from, EmbeddedChannel to) {
    boolean any = false;
    for (ByteBuf b; (b = from.readOutbound()) != null; ) {
      any = true;
      if (to.isActive()) {
        to.writeInbound(b);
      } else {
        b.release();
      }
    }
    return any;
  }

  /**
   * Moves {@code ch}'s time by {@code ms} in steps of 10 ms: a loop that runs its timers on time.
   */
  private static void onTime(EmbeddedChannel ch, long ms) {
    for (long t = 0; t < ms && ch.isActive(); t += 10) {
      ch.advanceTimeBy(Math.min(10, ms - t), TimeUnit.MILLISECONDS);
      ch.runPendingTasks();
    }
  }

  /** Our loop held past the timeout: it moves twice the timeout at once, then runs its timers. */
  private static void stalled(EmbeddedChannel ch) {
    ch.advanceTimeBy(2 * TIMEOUT_MS, TimeUnit.MILLISECONDS);
    ch.runPendingTasks();
  }

  private boolean timedOut() {
    return events.stream()
        .anyMatch(
            e ->
                e instanceof SslHandshakeCompletionEvent c
                    && c.cause() instanceof SslHandshakeTimeoutException);
  }

  @Test
  void aTlsHandshakeTimerThatRunsLateLetsTheLoopReadTheHandshakeFirst() {
    EmbeddedChannel server = side(serverTls, false);
    EmbeddedChannel client = side(clientTls, true); // its ClientHello waits, unread
    stalled(server);
    assertThat(server.isActive()).as("not closed by a late timer").isTrue();
    carry(client, server); // what came meanwhile, read now
    assertThat(server.pipeline().get(SslHandler.class).handshakeFuture().isSuccess()).isTrue();
    assertThat(client.pipeline().get(SslHandler.class).handshakeFuture().isSuccess()).isTrue();
    onTime(server, 2 * HelloHandler.LATE_GRACE_MS);
    assertThat(server.isActive()).isTrue();
    assertThat(timedOut()).isFalse();
    assertThat(server.pipeline().get("tls-deadline")).as("done: no more to time").isNull();
  }

  @Test
  void aTlsHandshakeTimerLateTwiceIsExcusedOnlyOnce() {
    EmbeddedChannel server = side(serverTls, false);
    stalled(server);
    assertThat(server.isActive()).isTrue();
    stalled(server);
    assertThat(server.isActive()).isFalse();
    assertThat(timedOut()).as("failed as the SslHandler's timeout fails it").isTrue();
  }

  @Test
  void aTlsHandshakeThatNeverCompletesIsClosedAtItsTimeout() {
    EmbeddedChannel server = side(serverTls, false);
    onTime(server, TIMEOUT_MS - 10);
    assertThat(server.isActive()).as("before its timeout").isTrue();
    onTime(server, 20);
    assertThat(server.isActive()).as("at its timeout").isFalse();
    assertThat(timedOut()).isTrue();
  }

  @Test
  void aHandshakeOnTimeIsNotTimedAfterwards() {
    EmbeddedChannel server = side(serverTls, false);
    EmbeddedChannel client = side(clientTls, true);
    carry(client, server);
    onTime(server, 3 * TIMEOUT_MS);
    assertThat(server.isActive()).isTrue();
    assertThat(timedOut()).isFalse();
  }
}
