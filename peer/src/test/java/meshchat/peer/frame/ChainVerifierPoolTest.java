package meshchat.peer.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.stream.Stream;
import meshchat.peer.identity.ChainAuthor;
import meshchat.peer.identity.Identity;
import meshchat.peer.limit.Counters;
import meshchat.peer.message.ChainHead;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.LinkMessage.Chat;
import meshchat.peer.message.LinkMessage.CloseReason;
import meshchat.peer.message.LinkMessage.Head;
import org.junit.jupiter.api.Test;

/**
 * Signatures checked off the link's thread: what the link reads meanwhile waits behind the check,
 * so the link's order is kept; a forged head still closes the link; a link far behind its checks
 * stops being read until they caught up. The "pool" here runs its checks when the test says so, and
 * their answers come back as tasks on the channel's loop, as they would from another thread.
 */
class ChainVerifierPoolTest {
  private final ChainAuthor alice = new ChainAuthor(Identity.generate(), "lobby");
  private final ChainAuthor mallory = new ChainAuthor(Identity.generate(), "lobby");
  private final Counters counters = new Counters();
  private final List<Runnable> queued = new ArrayList<>();
  private final Executor pool = queued::add;
  private final EmbeddedChannel ch =
      new EmbeddedChannel(new ChainVerifier("lobby", counters, pool));

  /** The pool runs what it was given; the answers run on the channel's loop. */
  private void checksDone() {
    List<Runnable> now = List.copyOf(queued);
    queued.clear();
    now.forEach(Runnable::run);
    ch.runPendingTasks();
  }

  private List<Object> inbound() {
    return Stream.generate(ch::readInbound).takeWhile(Objects::nonNull).toList();
  }

  @Test
  void framesReadWhileAHeadIsCheckedWaitBehindItInOrder() {
    ChatMessage one = alice.next("one");
    ChatMessage two = alice.next("two");
    ChainHead head = alice.head();
    LinkMessage.Ping ping = new LinkMessage.Ping(7);
    ch.writeInbound(new Chat(one), new Chat(two), new Head(head), ping);
    assertThat(inbound()).as("the ping waits behind the check").isEmpty();
    checksDone();
    assertThat(inbound()).containsExactly(new Chat(one), new Chat(two), new Head(head), ping);
  }

  @Test
  void aForgedHeadCheckedOffTheLinkThreadStillClosesTheLink() {
    ChatMessage one = alice.next("one");
    mallory.next("mine");
    ChainHead forged = mallory.head(); // a valid signature, by the wrong key
    ChainHead claimed =
        new ChainHead(
            alice.identity().peerId(),
            1,
            alice.head().hash(),
            forged.signature(),
            alice.identity().publicKey());
    ch.writeInbound(new Chat(one), new Head(claimed));
    checksDone();
    assertThatThrownBy(ch::checkException)
        .isInstanceOfSatisfying(
            LinkFrameException.class,
            e -> assertThat(e.reason()).isEqualTo(CloseReason.INVALID_MESSAGE))
        .hasMessageContaining("bad signature");
    assertThat(inbound()).isEmpty();
    assertThat(counters.get(Counters.Counter.BAD_SIGNATURE)).isEqualTo(1);
  }

  @Test
  void aLinkFarBehindItsChecksStopsBeingReadUntilTheyCaughtUp() {
    ch.writeInbound(new Chat(alice.next("one")), new Head(alice.head()));
    for (int i = 0; i < ChainVerifier.MAX_WAITING; i++) {
      ch.writeInbound(new LinkMessage.Ping(i));
    }
    assertThat(ch.config().isAutoRead()).isFalse();
    checksDone();
    assertThat(ch.config().isAutoRead()).isTrue();
    assertThat(inbound()).hasSize(2 + ChainVerifier.MAX_WAITING);
  }

  @Test
  void aHistoryBatchIsCheckedOffTheLinkThreadToo() {
    ChatMessage one = alice.next("one");
    ChatMessage two = alice.next("two");
    LinkMessage.SyncBatch batch =
        new LinkMessage.SyncBatch(9, List.of(one, two), true, List.of(alice.head()));
    ch.writeInbound(batch, new LinkMessage.Ping(1));
    assertThat(inbound()).isEmpty();
    checksDone();
    List<Object> out = inbound();
    assertThat(out).hasSize(2);
    assertThat(((LinkMessage.SyncBatch) out.get(0)).messages()).containsExactly(one, two);
    assertThat(out.get(1)).isEqualTo(new LinkMessage.Ping(1));
  }

  /**
   * A catch-up's batches come back to back: the next one's check runs on the pool while the room
   * takes the one before (not after it), and each is still passed on in the link's order, a frame
   * of another kind behind them too.
   */
  @Test
  void aBatchWaitingBehindABatchIsCheckedWhileTheFirstIsPassedOnAndStillComesAfterIt() {
    ChatMessage one = alice.next("one");
    LinkMessage.SyncBatch first =
        new LinkMessage.SyncBatch(1, List.of(one), false, List.of(alice.head()));
    ChatMessage two = alice.next("two");
    LinkMessage.SyncBatch second =
        new LinkMessage.SyncBatch(2, List.of(two), true, List.of(alice.head()));
    LinkMessage.Ping ping = new LinkMessage.Ping(3);
    List<Integer> checksQueuedWhenPassed = new ArrayList<>();
    ch.pipeline()
        .addLast(
            new ChannelInboundHandlerAdapter() {
              @Override
              public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof LinkMessage.SyncBatch) {
                  checksQueuedWhenPassed.add(queued.size());
                }
                ctx.fireChannelRead(msg);
              }
            });
    ch.writeInbound(first, second, ping);
    assertThat(queued).as("the first batch's check").hasSize(1);
    checksDone();
    assertThat(checksQueuedWhenPassed).as("the second's check went first").containsExactly(1);
    checksDone();
    List<Object> out = inbound();
    assertThat(out).hasSize(3);
    assertThat(((LinkMessage.SyncBatch) out.get(0)).messages()).containsExactly(one);
    assertThat(((LinkMessage.SyncBatch) out.get(1)).messages()).containsExactly(two);
    assertThat(out.get(2)).isEqualTo(ping);
    assertThat(checksQueuedWhenPassed).containsExactly(1, 0);
  }

  /** A forged batch whose check started early still closes the link, after the one before it. */
  @Test
  void aForgedBatchCheckedAheadStillClosesTheLinkAfterTheBatchBeforeItIsPassedOn() {
    ChatMessage one = alice.next("one");
    LinkMessage.SyncBatch first =
        new LinkMessage.SyncBatch(1, List.of(one), false, List.of(alice.head()));
    ChatMessage two = alice.next("two");
    ChainHead head = alice.head();
    ChatMessage altered =
        new ChatMessage(
            two.id(),
            two.lamport(),
            two.wallTimeMs(),
            two.nick(),
            "not what was signed",
            two.deps(),
            two.prev());
    LinkMessage.SyncBatch forged =
        new LinkMessage.SyncBatch(2, List.of(altered), true, List.of(head));
    ch.writeInbound(first, forged);
    checksDone();
    checksDone();
    assertThatThrownBy(ch::checkException)
        .isInstanceOfSatisfying(
            LinkFrameException.class,
            e -> assertThat(e.reason()).isEqualTo(CloseReason.INVALID_MESSAGE))
        .hasMessageContaining("does not match its author's chain");
    List<Object> out = inbound();
    assertThat(out).hasSize(1);
    assertThat(((LinkMessage.SyncBatch) out.get(0)).messages()).containsExactly(one);
  }

  @Test
  void aHeadWithALaterOneReadBehindItIsNotCheckedTheLaterOneAuthenticatesBoth() {
    ChatMessage one = alice.next("one");
    ChainHead first = alice.head();
    ChatMessage two = alice.next("two");
    ChainHead second = alice.head();
    ChatMessage three = alice.next("three");
    ChainHead third = alice.head();
    ch.writeInbound(new Chat(one), new Head(first)); // its check starts at once
    ch.writeInbound(new Chat(two), new Head(second), new Chat(three), new Head(third));
    assertThat(queued).hasSize(1);
    checksDone(); // first's answer; second is superseded by third, whose check is queued
    assertThat(queued).as("one check for second and third").hasSize(1);
    checksDone();
    assertThat(inbound())
        .containsExactly(
            new Chat(one), new Head(first), new Chat(two), new Chat(three), new Head(third));
  }

  @Test
  void aHeadIsStillCheckedWhenTheRunToTheLaterHeadHasAGap() {
    ChatMessage one = alice.next("one");
    ChainHead first = alice.head();
    ChatMessage two = alice.next("two");
    ChainHead second = alice.head();
    alice.next("three, never sent on this link");
    ChatMessage four = alice.next("four");
    ChainHead fourth = alice.head();
    ch.writeInbound(new Chat(one), new Head(first));
    ch.writeInbound(new Chat(two), new Head(second), new Chat(four), new Head(fourth));
    checksDone();
    assertThat(queued).as("second answers for its own run").hasSize(1);
    checksDone();
    assertThat(inbound())
        .startsWith(new Chat(one), new Head(first), new Chat(two), new Head(second));
  }

  @Test
  void aForgedLaterHeadThatSupersedesAnEarlierOneStillClosesTheLinkAndReleasesNothingItCovers() {
    ChatMessage one = alice.next("one");
    ChainHead first = alice.head();
    ChatMessage two = alice.next("two");
    ChainHead second = alice.head();
    ChatMessage three = alice.next("three");
    ChainHead forged =
        new ChainHead(
            alice.identity().peerId(),
            three.seq(),
            alice.head().hash(),
            second.signature(),
            alice.identity().publicKey());
    ch.writeInbound(new Chat(one), new Head(first));
    ch.writeInbound(new Chat(two), new Head(second), new Chat(three), new Head(forged));
    checksDone();
    checksDone();
    assertThatThrownBy(ch::checkException).isInstanceOf(LinkFrameException.class);
    assertThat(inbound()).containsExactly(new Chat(one), new Head(first));
    assertThat(counters.get(Counters.Counter.BAD_SIGNATURE)).isEqualTo(1);
  }

  /**
   * The author's last line, its head and its Close arrive and the socket closes while the head's
   * check still runs on the pool. Netty takes every handler out of a closed channel's pipeline once
   * it is unregistered, so what waited behind the check and was passed on after that reached no
   * handler: the line, its head and the Close were lost, and the link's end was never reported
   * (seen as a line typed right before /quit that never reached the other peer).
   */
  @Test
  void whatWaitsBehindACheckWhenTheLinkClosesIsPassedOnBeforeTheLinkIsReportedDown() {
    List<Object> seen = new ArrayList<>();
    EmbeddedChannel link =
        new EmbeddedChannel(
            new ChainVerifier("lobby", counters, pool),
            new ChannelInboundHandlerAdapter() {
              @Override
              public void channelRead(ChannelHandlerContext ctx, Object msg) {
                seen.add(msg);
              }

              @Override
              public void channelInactive(ChannelHandlerContext ctx) {
                seen.add("down");
              }
            });
    ChatMessage last = alice.next("last words");
    ChainHead head = alice.head();
    LinkMessage.Close leaving = new LinkMessage.Close(CloseReason.LEAVING, "leaving");
    link.writeInbound(new Chat(last), new Head(head), leaving);
    link.close(); // the peer's FIN, read while the head's check runs
    List<Runnable> now = List.copyOf(queued);
    queued.clear();
    now.forEach(Runnable::run); // the check ends after the channel is gone
    link.runPendingTasks();
    assertThat(seen).containsExactly(new Chat(last), new Head(head), leaving, "down");
  }
}
