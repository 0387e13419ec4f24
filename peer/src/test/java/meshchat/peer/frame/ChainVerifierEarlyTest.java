package meshchat.peer.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import meshchat.peer.identity.ChainAuthor;
import meshchat.peer.identity.Identity;
import meshchat.peer.limit.Counters;
import meshchat.peer.message.ChainHead;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.LinkMessage.Chat;
import meshchat.peer.message.LinkMessage.CloseReason;
import meshchat.peer.message.LinkMessage.Head;
import meshchat.peer.message.LinkMessage.Unsigned;
import org.junit.jupiter.api.Test;

/**
 * docs/security.md, "Lines shown before their head": a live line read on its author's own link is
 * passed on at once as {@link Unsigned} (the room may show it, nothing more), then as a {@link
 * Chat} once a checked head covers it; the link's other messages wait as before; a head that never
 * comes, or does not reach a line shown early, closes the link; a hostile author gets at most
 * {@link ChainCheck#MAX_EARLY} lines outstanding.
 */
class ChainVerifierEarlyTest {
  private final Identity aliceId = Identity.generate();
  private final ChainAuthor alice = new ChainAuthor(aliceId, "lobby");
  private final ChainAuthor carol = new ChainAuthor(Identity.generate(), "lobby");
  private final Counters counters = new Counters();
  private final Queue<Runnable> queued = new ArrayDeque<>();
  private final Executor pool = queued::add;
  private final EmbeddedChannel ch =
      new EmbeddedChannel(new ChainVerifier("lobby", counters, pool));

  /** The link's peer is alice: her Hello passed (the handshake proves it before any chat). */
  private void aliceLink() {
    ch.writeInbound(new LinkMessage.Hello(1, aliceId.peerId(), "alice", "lobby", 0, 0));
    assertThat(inbound()).hasSize(1);
  }

  private List<Object> inbound() {
    return Inbound.drain(ch);
  }

  /** Runs the pool's queued checks, then the link's thread's answers. */
  private void checksDone() {
    Runnable r;
    while ((r = queued.poll()) != null) {
      r.run();
    }
    ch.runPendingTasks();
  }

  @Test
  void aLineOnItsAuthorsLinkIsPassedAtOnceThenAgainWithItsHeadOnceChecked() {
    aliceLink();
    ChatMessage one = alice.next("one");
    ChatMessage two = alice.next("two");
    ch.writeInbound(new Chat(one), new Chat(two));
    assertThat(inbound()).containsExactly(new Unsigned(one), new Unsigned(two));
    ChainHead head = alice.head();
    ch.writeInbound(new Head(head));
    assertThat(inbound()).as("not before the check").isEmpty();
    checksDone();
    assertThat(inbound()).containsExactly(new Chat(one), new Chat(two), new Head(head));
  }

  @Test
  void anotherAuthorsLineOnTheLinkWaitsForItsHeadAsBefore() {
    aliceLink();
    ChatMessage relayed = carol.next("via alice");
    ch.writeInbound(new Chat(relayed));
    assertThat(inbound()).isEmpty();
    ch.writeInbound(new Head(carol.head()));
    checksDone();
    assertThat(inbound()).hasSize(2).first().isEqualTo(new Chat(relayed));
  }

  @Test
  void withoutAHelloNothingIsShownEarly() {
    ch.writeInbound(new Chat(alice.next("one")));
    assertThat(inbound()).isEmpty();
  }

  @Test
  void aLineReadWhileTheBurstBeforeItsHeadIsCheckedIsShownAtOnce() {
    aliceLink();
    ChatMessage one = alice.next("one");
    ch.writeInbound(new Chat(one));
    ChainHead head1 = alice.head();
    ChatMessage two = alice.next("two");
    ch.writeInbound(new Head(head1), new Chat(two));
    assertThat(inbound())
        .as("two does not wait for the check of one's head")
        .containsExactly(new Unsigned(one), new Unsigned(two));
    ChainHead head2 = alice.head();
    ch.writeInbound(new Head(head2)); // waits for head1's check, then is checked itself
    checksDone();
    checksDone();
    assertThat(inbound())
        .containsExactly(new Chat(one), new Head(head1), new Chat(two), new Head(head2));
  }

  @Test
  void aLineReadBehindAWaitingFrameWaitsWithIt() {
    aliceLink();
    ChatMessage one = alice.next("one");
    ch.writeInbound(new Chat(one));
    ChainHead head1 = alice.head();
    ChatMessage two = alice.next("two");
    ch.writeInbound(new Head(head1), new LinkMessage.Ping(7), new Chat(two));
    assertThat(inbound())
        .as("two waits behind the ping, which waits for the check")
        .containsExactly(new Unsigned(one));
    checksDone();
    assertThat(inbound())
        .containsExactly(
            new Chat(one), new Head(head1), new LinkMessage.Ping(7), new Unsigned(two));
  }

  @Test
  void aHeadWhoseLinesWereTakenDuringACheckStillSupersedesTheOneBefore() {
    aliceLink();
    ChatMessage one = alice.next("one");
    ChainHead head1 = alice.head();
    ChatMessage two = alice.next("two");
    ChainHead head2 = alice.head();
    ChatMessage three = alice.next("three");
    ChainHead head3 = alice.head();
    ch.writeInbound(new Chat(one), new Head(head1)); // head1's check runs
    ch.writeInbound(new Chat(two)); // taken at once
    ch.writeInbound(new Head(head2), new Chat(three), new Head(head3)); // wait
    assertThat(queued).hasSize(1);
    queued.poll().run(); // head1's check
    ch.runPendingTasks(); // head2 is superseded by head3: one check for both
    assertThat(queued).as("head3's check alone").hasSize(1);
    checksDone();
    assertThat(inbound())
        .containsExactly(
            new Unsigned(one),
            new Unsigned(two),
            new Chat(one),
            new Head(head1),
            new Unsigned(three),
            new Chat(two),
            new Chat(three),
            new Head(head3));
  }

  /** Moves time by {@code ms} in 100 ms steps, running the link's timers on time at each. */
  private void onTime(long ms) {
    for (long t = 0; t < ms; t += 100) {
      ch.advanceTimeBy(Math.min(100, ms - t), TimeUnit.MILLISECONDS);
      ch.runScheduledPendingTasks();
      ch.checkException();
    }
  }

  private void closesFor(String why) {
    assertThatThrownBy(ch::checkException)
        .isInstanceOfSatisfying(
            LinkFrameException.class,
            e -> assertThat(e.reason()).isEqualTo(CloseReason.INVALID_MESSAGE))
        .hasMessageContaining(why);
  }

  /** The author's frame read after the bound is the evidence: not before its grace, then closed. */
  private void closesOnceTheEvidenceIsOldEnough() {
    onTime(ChainVerifier.EARLY_EVIDENCE_MS - 100);
    ch.advanceTimeBy(200, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    closesFor("no signed head covered them");
  }

  /** The head of {@code line} comes and is checked: the line passes, and the link stays open. */
  private void headKeepsTheLinkOpen(ChatMessage line) {
    ch.writeInbound(new Head(alice.head()));
    checksDone();
    assertThat(inbound()).contains(new Chat(line));
    onTime(ChainVerifier.EARLY_HEAD_LIMIT_MS);
    assertThat(ch.isOpen()).isTrue();
  }

  @Test
  void noHeadWithinTheBoundClosesTheLinkOnceTheAuthorIsHeardAfterIt() {
    aliceLink();
    ch.writeInbound(new Chat(alice.next("never signed")));
    assertThat(inbound()).hasSize(1);
    onTime(ChainVerifier.EARLY_HEAD_MS); // not yet: nothing heard from alice since
    ch.writeInbound(new LinkMessage.Ping(1)); // alice runs: her head would have come before this
    closesOnceTheEvidenceIsOldEnough(); // a grace for a head right behind it first
  }

  @Test
  void anAuthorStalledPastTheBoundIsNotBlamedWhileSilent() {
    aliceLink();
    ChatMessage one = alice.next("one");
    ch.writeInbound(new Chat(one));
    onTime(5 * ChainVerifier.EARLY_HEAD_MS); // alice's process paused: nothing from her at all
    assertThat(ch.isOpen()).isTrue();
    headKeepsTheLinkOpen(one); // she runs again: the head first
  }

  @Test
  void aPausedLinkIsNotBlamedForAHeadItHasNotReadYetButOnlyUpToTheLimit() {
    aliceLink();
    ch.writeInbound(new Chat(alice.next("one")));
    assertThat(inbound()).hasSize(1);
    ReadPause.pause(ch); // e.g. the frame rate limit: alice's head may sit unread in the socket
    onTime(ChainVerifier.EARLY_HEAD_LIMIT_MS - 200); // we read nothing: no evidence against her
    ch.advanceTimeBy(400, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    closesFor("no signed head covered them"); // not past the limit, whatever holds our reads
  }

  @Test
  void aTimerThatRanLateOnAStarvedLoopLooksAgainBeforeClosing() {
    aliceLink();
    ChatMessage one = alice.next("one");
    ch.writeInbound(new Chat(one));
    assertThat(inbound()).hasSize(1);
    // the loop stalled for twice the bound: its timer runs late, before the loop read the head
    ch.advanceTimeBy(ChainVerifier.EARLY_HEAD_MS * 2, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    ch.checkException();
    assertThat(ch.isOpen()).isTrue();
    headKeepsTheLinkOpen(one); // what the loop reads next: the head, sent in time
  }

  @Test
  void aTimerThatRanLateStillClosesOnceTheLoopReadOnWithoutAHead() {
    aliceLink();
    ch.writeInbound(new Chat(alice.next("never signed")));
    ch.advanceTimeBy(ChainVerifier.EARLY_HEAD_MS * 2, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    ch.checkException(); // late, and nothing read since: looks again
    ch.writeInbound(new LinkMessage.Ping(1)); // what the loop reads then: no head before it
    closesOnceTheEvidenceIsOldEnough();
  }

  @Test
  void aHeadThatCameInTimeKeepsTheLinkOpenPastTheBound() {
    aliceLink();
    ch.writeInbound(new Chat(alice.next("one")), new Head(alice.head()));
    checksDone();
    ch.advanceTimeBy(ChainVerifier.EARLY_HEAD_MS * 2, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    ch.checkException();
    assertThat(ch.isOpen()).isTrue();
  }

  @Test
  void ourOwnCheckBacklogIsNotTheAuthorsFault() {
    aliceLink();
    ch.writeInbound(new Chat(alice.next("one")), new Head(alice.head()));
    // the pool has not run the check yet when the bound passes: the head was read, in time
    ch.advanceTimeBy(ChainVerifier.EARLY_HEAD_MS, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    ch.checkException();
    checksDone();
    ch.advanceTimeBy(ChainVerifier.EARLY_HEAD_MS, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    ch.checkException();
    assertThat(ch.isOpen()).isTrue();
  }

  /** An unasked batch, as a hostile author floods with: its check goes to the pool. */
  private void batch() {
    ch.writeInbound(new LinkMessage.SyncBatch(1, List.of(), false));
  }

  @Test
  void checksOfFramesReadAfterTheBoundAreNoExcuse() {
    aliceLink();
    ch.writeInbound(new Chat(alice.next("never signed")));
    ch.advanceTimeBy(ChainVerifier.EARLY_HEAD_MS - 1, TimeUnit.MILLISECONDS);
    batch(); // read in time: its check may hold the head behind it
    ch.advanceTimeBy(1, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    ch.checkException(); // that check runs
    ch.advanceTimeBy(100, TimeUnit.MILLISECONDS);
    checksDone(); // it ends: nothing behind it
    batch(); // read after the bound: a flood's next frame
    assertThat(queued).as("its check runs on the pool").hasSize(1);
    checksDone(); // checked too: every frame before it handled, and no head among them
    closesOnceTheEvidenceIsOldEnough();
  }

  @Test
  void aCheckThatNeverEndsIsNoExcusePastTheLimit() {
    aliceLink();
    ch.writeInbound(new Chat(alice.next("never signed")));
    batch(); // read in time, and the pool never gets to it
    long step = ChainVerifier.EARLY_HEAD_MS / 10;
    for (long t = 0; t + step < ChainVerifier.EARLY_HEAD_LIMIT_MS; t += step) {
      ch.advanceTimeBy(step, TimeUnit.MILLISECONDS);
      ch.runScheduledPendingTasks();
      ch.checkException();
    }
    ch.advanceTimeBy(2 * step, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    assertThatThrownBy(ch::checkException)
        .isInstanceOf(LinkFrameException.class)
        .hasMessageContaining("no signed head covered them");
  }

  @Test
  void aHeadWhoseChainDoesNotReachALineShownEarlyClosesTheLink() {
    aliceLink();
    ChatMessage one = alice.next("one");
    alice.next("two (never sent)");
    ChatMessage three = alice.next("three");
    ch.writeInbound(new Chat(one), new Chat(three));
    assertThat(inbound()).hasSize(2);
    ch.writeInbound(new Head(alice.head()));
    Runnable check = queued.poll();
    check.run();
    ch.runPendingTasks();
    assertThatThrownBy(ch::checkException)
        .isInstanceOf(LinkFrameException.class)
        .hasMessageContaining("is not in the chain its head signs");
  }

  @Test
  void aHostileAuthorHasAtMostTheCapOfLinesOutstanding() {
    aliceLink();
    List<ChatMessage> lines = new ArrayList<>();
    for (int i = 0; i <= ChainCheck.MAX_EARLY; i++) {
      lines.add(alice.next("line " + i));
    }
    for (ChatMessage m : lines) {
      ch.writeInbound(new Chat(m));
    }
    List<Object> early = inbound();
    assertThat(early).hasSize(ChainCheck.MAX_EARLY);
    assertThat(early).doesNotContain(new Unsigned(lines.get(ChainCheck.MAX_EARLY)));
    ChainHead head = alice.head();
    ch.writeInbound(new Head(head));
    checksDone();
    assertThat(inbound()).hasSize(ChainCheck.MAX_EARLY + 2).last().isEqualTo(new Head(head));
    ch.writeInbound(new Chat(alice.next("after the head")));
    assertThat(inbound()).as("the cap is free again").hasSize(1);
  }

  @Test
  void aHostileAuthorHasAtMostTheCapOfTextOutstanding() {
    aliceLink();
    String big = "x".repeat(4_096);
    int fit = (int) (ChainCheck.MAX_EARLY_BYTES / big.length());
    for (int i = 0; i < fit; i++) {
      ch.writeInbound(new Chat(alice.next(big)));
    }
    assertThat(inbound()).hasSize(fit);
    ch.writeInbound(new Chat(alice.next(big)));
    assertThat(inbound()).isEmpty();
  }

  @Test
  void aRepeatedOrLowerSeqIsNotShownEarlyAgain() {
    aliceLink();
    ChatMessage one = alice.next("one");
    ch.writeInbound(new Chat(one));
    ch.writeInbound(new Chat(one));
    assertThat(inbound()).containsExactly(new Unsigned(one));
  }

  @Test
  void twoVersionsOfALineShownEarlyCloseTheLink() {
    aliceLink();
    ChatMessage one = alice.next("one");
    ch.writeInbound(new Chat(one));
    inbound();
    ChatMessage other =
        new ChatMessage(
            one.id(), one.lamport(), one.wallTimeMs(), one.nick(), "ONE", one.deps(), one.prev());
    assertThatThrownBy(() -> ch.writeInbound(new Chat(other)))
        .isInstanceOf(LinkFrameException.class)
        .hasMessageContaining("two versions");
  }

  @Test
  void aStreamReadWithTheHeadThatCoversItPassesOnceWhenTheHeadIsChecked() {
    aliceLink();
    List<Object> frames = new ArrayList<>();
    List<Object> chats = new ArrayList<>();
    for (int i = 0; i < ChainVerifier.STREAM_LINES; i++) {
      ChatMessage m = alice.next("line " + i);
      frames.add(new Chat(m));
      chats.add(new Chat(m));
    }
    ChainHead head = alice.head();
    frames.add(new Head(head));
    ch.writeInbound(frames.toArray());
    assertThat(inbound()).as("no early pass: the head is in hand").isEmpty();
    checksDone();
    chats.add(new Head(head));
    assertThat(inbound()).containsExactlyElementsOf(chats);
    assertThat(counters.get(Counters.Traffic.LINES_STREAMED)).isEqualTo(ChainVerifier.STREAM_LINES);
    assertThat(counters.get(Counters.Traffic.LINES_EARLY)).isZero();
  }

  @Test
  void aStreamIsShownAtOnceWhileTheLinksChecksAreBehind() {
    aliceLink();
    ch.writeInbound(new Chat(alice.next("zero")), new Head(alice.head()));
    inbound();
    ch.advanceTimeBy(ChainVerifier.STREAM_CHECK_NANOS + 1, TimeUnit.NANOSECONDS); // a slow pool
    checksDone();
    inbound();
    List<Object> frames = new ArrayList<>();
    List<Object> early = new ArrayList<>();
    for (int i = 0; i < ChainVerifier.STREAM_LINES; i++) {
      ChatMessage m = alice.next("line " + i);
      frames.add(new Chat(m));
      early.add(new Unsigned(m));
    }
    frames.add(new Head(alice.head()));
    ch.writeInbound(frames.toArray());
    assertThat(inbound()).as("not behind a pool that is behind").containsExactlyElementsOf(early);
    assertThat(counters.get(Counters.Traffic.LINES_STREAMED)).isZero();
  }

  @Test
  void aFewLinesReadWithTheirHeadAreStillShownAtOnce() {
    aliceLink();
    ChatMessage one = alice.next("one");
    ChatMessage two = alice.next("two");
    ChainHead head = alice.head();
    ch.writeInbound(new Chat(one), new Chat(two), new Head(head));
    assertThat(inbound()).containsExactly(new Unsigned(one), new Unsigned(two));
    checksDone();
    assertThat(inbound()).containsExactly(new Chat(one), new Chat(two), new Head(head));
    assertThat(counters.get(Counters.Traffic.LINES_EARLY)).isEqualTo(2);
    assertThat(counters.get(Counters.Traffic.LINES_STREAMED)).isZero();
  }

  @Test
  void aLineIsPassedEarlyAheadOfTheFramesReadAfterIt() {
    aliceLink();
    ChatMessage one = alice.next("one");
    ch.writeInbound(new Chat(one), new LinkMessage.Ping(7));
    assertThat(inbound()).containsExactly(new Unsigned(one), new LinkMessage.Ping(7));
  }

  @Test
  void aHeadOfAnotherOriginDoesNotHoldTheAuthorsLinesBack() {
    aliceLink();
    List<Object> frames = new ArrayList<>();
    List<Object> early = new ArrayList<>();
    for (int i = 0; i < ChainVerifier.STREAM_LINES; i++) {
      ChatMessage m = alice.next("line " + i);
      frames.add(new Chat(m));
      early.add(new Unsigned(m));
    }
    ChatMessage relayed = carol.next("via alice");
    frames.add(new Chat(relayed));
    frames.add(new Head(carol.head()));
    ch.writeInbound(frames.toArray());
    assertThat(inbound())
        .as("carol's head covers none of alice's")
        .containsExactlyElementsOf(early);
  }
}
