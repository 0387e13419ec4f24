package meshchat.peer.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import meshchat.peer.identity.ChainAuthor;
import meshchat.peer.identity.Identity;
import meshchat.peer.identity.MessageSigning;
import meshchat.peer.limit.Counters;
import meshchat.peer.message.ChainHead;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.LinkMessage.Chat;
import meshchat.peer.message.LinkMessage.CloseReason;
import meshchat.peer.message.LinkMessage.Head;
import meshchat.peer.message.MessageId;
import org.junit.jupiter.api.Test;

/**
 * Forged, altered, misattributed and replayed-elsewhere messages never get past the frame layer,
 * live or in history; authentic ones pass once a signed head covers them, one signature per burst.
 */
class ChainVerifierTest {
  private final Identity aliceId = Identity.generate();
  private final ChainAuthor alice = new ChainAuthor(aliceId, "lobby");
  private final ChainAuthor mallory = new ChainAuthor(Identity.generate(), "lobby");
  private final Counters counters = new Counters();
  private final EmbeddedChannel ch = new EmbeddedChannel(new ChainVerifier("lobby", counters));

  private static ChatMessage withText(ChatMessage m, String text) {
    return new ChatMessage(m.id(), m.lamport(), m.wallTimeMs(), m.nick(), text, m.deps(), m.prev());
  }

  private static ChainHead withoutKey(ChainHead h) {
    return new ChainHead(h.origin(), h.seq(), h.hash(), h.signature(), new byte[0]);
  }

  private List<Object> inbound() {
    return Inbound.drain(ch);
  }

  private void refused(LinkMessage m, String why) {
    assertThatThrownBy(() -> ch.writeInbound(m))
        .isInstanceOfSatisfying(
            LinkFrameException.class,
            e -> assertThat(e.reason()).isEqualTo(CloseReason.INVALID_MESSAGE))
        .hasMessageContaining(why);
    assertThat(inbound()).isEmpty();
  }

  @Test
  void aBurstPassesWhenItsHeadArrivesInOrderFollowedByTheHead() {
    ChatMessage one = alice.next("one");
    ChatMessage two = alice.next("two");
    ChatMessage three = alice.next("three");
    ch.writeInbound(new Chat(one), new Chat(two), new Chat(three));
    assertThat(inbound()).as("nothing is passed before its head").isEmpty();
    ChainHead head = alice.head();
    ch.writeInbound(new Head(head));
    assertThat(inbound())
        .containsExactly(new Chat(one), new Chat(two), new Chat(three), new Head(head));
    assertThat(counters.get(Counters.Counter.BAD_SIGNATURE)).isZero();
  }

  /**
   * A Chat the link's frame decoder chained and hashed (LinkContext with the room) is checked by
   * that hash, not hashed again, and passed on as the very frame read once its head is checked; one
   * without a hash is hashed here and passed on as an equal Chat (docs/benchmarks.md, session 36).
   */
  @Test
  void aChatHashedByTheFrameDecoderIsCheckedByThatHashAndPassedOnAsItIs() {
    ChatMessage one = alice.next("one");
    ChatMessage two = alice.next("two");
    Chat hashedOne = new Chat(one, MessageSigning.hash(one, "lobby"));
    Chat plainTwo = new Chat(two);
    ChainHead head = alice.head();
    ch.writeInbound(hashedOne, plainTwo, new Head(head));
    List<Object> got = inbound();
    assertThat(got).containsExactly(new Chat(one), new Chat(two), new Head(head));
    assertThat(got.get(0)).isSameAs(hashedOne);
    // the hash handed in is the one checked: a wrong one does not match the chain
    ChatMessage three = alice.next("three");
    byte[] wrong = MessageSigning.hash(three, "lobby");
    wrong[0] ^= 1;
    ch.writeInbound(new Chat(three, wrong));
    refused(new Head(alice.head()), "does not match its author's chain");
  }

  @Test
  void aLaterHeadWithoutTheKeyUsesTheKeyLearnedOnThisLink() {
    ch.writeInbound(new Chat(alice.next("one")), new Head(alice.head()));
    inbound();
    ChatMessage two = alice.next("two");
    ch.writeInbound(new Chat(two), new Head(withoutKey(alice.head())));
    assertThat(inbound()).hasSize(2).first().isEqualTo(new Chat(two));
  }

  @Test
  void aHeadWithoutAKeyTheLinkNeverSentIsRefused() {
    ch.writeInbound(new Chat(alice.next("one")));
    refused(new Head(withoutKey(alice.head())), "without its origin's key");
  }

  @Test
  void aMessageInAlicesNameUnderAHeadWithMallorysKeyIsRefused() {
    ChatMessage forged = alice.next("send mallory money");
    ChainHead real = alice.head();
    ChainHead mallorys = mallory.next("x") == null ? null : mallory.head();
    ChainHead claim =
        new ChainHead(
            real.origin(), real.seq(), real.hash(), mallorys.signature(), mallorys.publicKey());
    ch.writeInbound(new Chat(forged));
    refused(new Head(claim), "not its origin's");
    assertThat(counters.get(Counters.Counter.BAD_SIGNATURE)).isEqualTo(1);
  }

  @Test
  void aHeadWithAlicesKeyButABadSignatureIsRefused() {
    ChatMessage m = alice.next("hi");
    ChainHead real = alice.head();
    byte[] sig = real.signature();
    sig[5] ^= 1;
    ch.writeInbound(new Chat(m));
    refused(
        new Head(new ChainHead(real.origin(), real.seq(), real.hash(), sig, real.publicKey())),
        "bad signature");
  }

  @Test
  void aRelayedMessageWhoseTextWasAlteredIsRefused() {
    ChatMessage m = alice.next("meet at 5");
    ch.writeInbound(new Chat(withText(m, "meet at 6")));
    refused(new Head(alice.head()), "does not match its author's chain");
  }

  private static ChatMessage as(ChatMessage m, String nick, ChatMessage.Kind kind) {
    return new ChatMessage(m.id(), m.lamport(), m.wallTimeMs(), nick, "", m.deps(), m.prev(), kind);
  }

  @Test
  void aRelayCannotTurnALineIntoANickChange() {
    ChatMessage empty = alice.next("");
    ch.writeInbound(new Chat(as(empty, "alice", ChatMessage.Kind.NICK)));
    refused(new Head(alice.head()), "does not match its author's chain");
  }

  @Test
  void aRelayCannotTurnANickChangeIntoALine() {
    ChatMessage change = alice.nickChange(50, 1_000, "alicia", List.of());
    ch.writeInbound(new Chat(as(change, "alicia", ChatMessage.Kind.TEXT)));
    refused(new Head(alice.head()), "does not match its author's chain");
  }

  @Test
  void aRelayCannotChangeTheNewNick() {
    ChatMessage change = alice.nickChange(50, 1_000, "alicia", List.of());
    ch.writeInbound(new Chat(as(change, "mallory", ChatMessage.Kind.NICK)));
    refused(new Head(alice.head()), "does not match its author's chain");
  }

  @Test
  void anAuthenticNickChangePassesWithItsHead() {
    ChatMessage line = alice.next("hi");
    ChatMessage change = alice.nickChange(50, 1_000, "alicia", List.of());
    ChainHead head = alice.head();
    ch.writeInbound(new Chat(line), new Chat(change), new Head(head));
    assertThat(inbound()).containsExactly(new Chat(line), new Chat(change), new Head(head));
  }

  @Test
  void anAlteredMessageBelowTheHeadBreaksTheChainAndIsRefused() {
    ChatMessage one = alice.next("one");
    ChatMessage two = alice.next("two");
    ch.writeInbound(new Chat(withText(one, "ONE")), new Chat(two));
    refused(new Head(alice.head()), "does not match its author's chain");
  }

  @Test
  void aTamperedMessageInAHistoryBatchIsRefusedWithTheWholeBatch() {
    ChatMessage one = alice.next("one");
    ChatMessage two = alice.next("two");
    LinkMessage.SyncBatch b =
        new LinkMessage.SyncBatch(
            4, List.of(one, withText(two, "TWO")), true, List.of(alice.head()));
    refused(b, "does not match its author's chain");
    assertThat(counters.get(Counters.Counter.BAD_SIGNATURE)).isEqualTo(1);
  }

  @Test
  void aHistoryBatchMessageNoHeadCoversIsRefused() {
    ChatMessage one = alice.next("one");
    alice.next("two");
    ChatMessage three = alice.next("three");
    refused(
        new LinkMessage.SyncBatch(4, List.of(one, three), true, List.of(alice.head())),
        "no head in it covers");
  }

  @Test
  void aGoodHistoryBatchPassesWithOneHeadPerRun() {
    ChatMessage one = alice.next("one");
    ChatMessage two = alice.next("two");
    LinkMessage.SyncBatch b =
        new LinkMessage.SyncBatch(4, List.of(one, two), true, List.of(alice.head()));
    ch.writeInbound(b);
    assertThat(inbound()).containsExactly(b);
  }

  @Test
  void aMessageChainedInAnotherRoomIsRefused() {
    ChainAuthor elsewhere = new ChainAuthor(aliceId, "elsewhere");
    ch.writeInbound(new Chat(elsewhere.next("hi")));
    refused(new Head(elsewhere.head()), "bad signature");
  }

  @Test
  void aMessageReplayedUnderAnotherSeqDoesNotMatchTheChain() {
    ChatMessage one = alice.next("one");
    alice.next("two");
    ChainHead head = alice.head(); // seq 2
    ChatMessage replayed =
        new ChatMessage(
            new MessageId(one.origin(), 2),
            2,
            one.wallTimeMs(),
            "n",
            "one",
            one.deps(),
            one.prev());
    ch.writeInbound(new Chat(replayed));
    refused(new Head(head), "does not match its author's chain");
  }

  @Test
  void anUnchainedMessageIsRefusedInboundAndLeftOutOfBatchesOutbound() {
    ChatMessage legacy =
        new ChatMessage(new MessageId(aliceId.peerId(), 1), 1, 1L, "n", "old", List.of());
    // no prev, and nothing on the link implies one (docs/protocol.md, "Link context")
    refused(new Chat(legacy), "leaves out prev");
    legacy =
        new ChatMessage(
            new MessageId(mallory.identity().peerId(), 1), 1, 1L, "n", "old", List.of());

    ChatMessage good = alice.next("new");
    ChainHead head = alice.head();
    ch.writeOutbound(new LinkMessage.SyncBatch(1, List.of(legacy, good), true, List.of(head)));
    LinkMessage.SyncBatch out = ch.readOutbound();
    assertThat(out).isEqualTo(new LinkMessage.SyncBatch(1, List.of(good), true, List.of(head)));
  }

  @Test
  void aKeyIsSentWithTheFirstHeadOfItsOriginOnALinkOnly() {
    alice.next("one");
    ch.writeOutbound(new Head(alice.head()));
    alice.next("two");
    ch.writeOutbound(new Head(alice.head()));
    Head first = ch.readOutbound();
    Head second = ch.readOutbound();
    assertThat(first.head().publicKey()).isEqualTo(aliceId.publicKey());
    assertThat(second.head().publicKey()).isEmpty();
  }

  @Test
  void aRunWithAGapPassesAboveTheGapAndDropsWhatTheHeadCannotReach() {
    ChatMessage one = alice.next("one");
    alice.next("two"); // the relay had it already and did not forward it
    ChatMessage three = alice.next("three");
    ch.writeInbound(new Chat(one), new Chat(three), new Head(alice.head()));
    assertThat(inbound()).containsExactly(new Chat(three), new Head(alice.head()));
    assertThat(counters.get(Counters.Counter.CHAIN_GAP_DROPPED)).isEqualTo(1);
  }

  @Test
  void aLinkThatNeverSendsAHeadIsClosedAtTheBound() {
    for (int i = 0; i < ChainCheck.MAX_PENDING; i++) {
      ch.writeInbound(new Chat(alice.next("m" + i)));
    }
    refused(new Chat(alice.next("one too many")), "without a chain head");
  }

  @Test
  void aLinkThatHoldsTooManyBytesWithoutAHeadIsClosedLongBeforeTheCountBound() {
    String big = "x".repeat(60 * 1024); // under the 64 KiB text bound
    int perMessage = 3 * big.length(); // the bound counts text as UTF-8 at worst, and more
    int fit = (int) (ChainCheck.MAX_PENDING_BYTES / perMessage) - 1;
    for (int i = 0; i < fit; i++) {
      ch.writeInbound(new Chat(alice.next(big)));
    }
    assertThatThrownBy(
            () -> {
              for (int i = 0; i < 3; i++) {
                ch.writeInbound(new Chat(alice.next(big)));
              }
            })
        .isInstanceOf(LinkFrameException.class)
        .hasMessageContaining("bytes of messages without a chain head");
    assertThat(fit).isLessThan(ChainCheck.MAX_PENDING / 10);
  }

  @Test
  void twoVersionsOfOneMessageOnOneLinkAreRefused() {
    ChatMessage m = alice.next("one");
    ch.writeInbound(new Chat(m));
    refused(new Chat(withText(m, "other")), "two versions");
  }
}
