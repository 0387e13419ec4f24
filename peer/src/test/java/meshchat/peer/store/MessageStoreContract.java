package meshchat.peer.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import meshchat.peer.identity.ChainAuthor;
import meshchat.peer.identity.Identity;
import meshchat.peer.identity.MessageSigning;
import meshchat.peer.message.ChainHead;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LamportTimestamp;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.peer.store.MessageStore.AppendResult;
import meshchat.peer.store.MessageStore.Snapshot;
import meshchat.peer.sync.SeqRange;
import meshchat.peer.sync.SeqSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link MessageStore} contract, run over every implementation (one subclass each), so the
 * simulation's in-memory store and the product's SQLite store cannot drift apart.
 */
public abstract class MessageStoreContract {
  protected static final PeerId SELF = PeerId.of(new byte[] {0x10, 0x20});
  protected static final PeerId LOW = PeerId.of(new byte[] {0x01});
  // 0xF0 is negative as a signed byte: the order must compare bytes unsigned
  protected static final PeerId HIGH = PeerId.of(new byte[] {(byte) 0xF0, 0x00});

  protected MessageStore store;

  /** A fresh, empty store. */
  protected abstract MessageStore create() throws Exception;

  /** The store a restarted peer gets: for a durable store, the file closed and opened again. */
  protected abstract MessageStore restart(MessageStore old) throws Exception;

  @BeforeEach
  void setUp() throws Exception {
    store = create();
  }

  @AfterEach
  void tearDown() {
    store.close();
  }

  protected static ChatMessage msg(PeerId origin, long seq, long lamport, MessageId... deps) {
    return new ChatMessage(
        new MessageId(origin, seq),
        lamport,
        1_700_000_000_000L + lamport,
        "nick-" + origin.shortHex(),
        "text " + seq + " ✓ \"q\"\n",
        List.of(deps));
  }

  @Test
  void aChainedMessageComesBackWithItsPrevAndCopiesAreDuplicates() {
    ChainAuthor author = new ChainAuthor(Identity.generate(), "lobby");
    author.next("first");
    ChatMessage m = author.next("hi");
    assertThat(store.append(m)).isEqualTo(AppendResult.NEW);
    ChatMessage back = store.get(m.id()).orElseThrow();
    assertThat(back).isEqualTo(m);
    assertThat(back.prev()).isEqualTo(m.prev()).hasSize(32);
    assertThat(MessageSigning.hash(back, "lobby")).isEqualTo(MessageSigning.hash(m, "lobby"));
    ChatMessage copy = m.chained(m.prev());
    assertThat(store.append(copy)).isEqualTo(AppendResult.DUPLICATE);
  }

  @Test
  void aNickChangeComesBackAsOneAcrossARestart() throws Exception {
    ChainAuthor author = new ChainAuthor(Identity.generate(), "lobby");
    ChatMessage line = author.next("hi");
    ChatMessage nick = author.nickChange(2, 1_700_000_000_000L, "alicia", List.of());
    store.appendAll(List.of(line, nick));
    store.commit();
    store = restart(store);
    ChatMessage back = store.get(nick.id()).orElseThrow();
    assertThat(back).isEqualTo(nick);
    assertThat(back.kind()).isEqualTo(ChatMessage.Kind.NICK);
    assertThat(back.nick()).isEqualTo("alicia");
    assertThat(store.get(line.id()).orElseThrow().kind()).isEqualTo(ChatMessage.Kind.TEXT);
    assertThat(MessageSigning.hash(back, "lobby")).isEqualTo(MessageSigning.hash(nick, "lobby"));
  }

  /**
   * The author quota's charges (docs/security.md, "Author quota") are kept per origin, allowance
   * and hour, summed, across a restart: a restarted peer counts the day from what it stored.
   */
  @Test
  void authorQuotaChargesAreSummedPerHourAndKeptAcrossARestart() throws Exception {
    store.charge(LOW, false, 1_000, 300);
    store.charge(LOW, false, 1_000, 200);
    store.charge(LOW, true, 1_000, 70);
    store.charge(HIGH, false, 1_010, 5);
    store.charge(LOW, false, 900, 1); // more than a day before: not asked for below
    store.commit();
    store = restart(store);
    assertThat(store.charges(1_000))
        .containsExactlyInAnyOrder(
            new MessageStore.Charge(LOW, false, 1_000, 500),
            new MessageStore.Charge(LOW, true, 1_000, 70),
            new MessageStore.Charge(HIGH, false, 1_010, 5));
    store.charge(HIGH, false, 1_010, 5);
    store.commit();
    assertThat(store.charges(1_001))
        .containsExactly(new MessageStore.Charge(HIGH, false, 1_010, 10));
  }

  @Test
  void messagesMarkedWaitingComeBackAfterARestartInTheOrderMarkedUntilShown() throws Exception {
    store.append(msg(LOW, 3, 5));
    store.append(msg(LOW, 2, 4));
    store.markWaiting(new MessageId(LOW, 3));
    store.markWaiting(new MessageId(LOW, 2));
    store.markWaiting(new MessageId(LOW, 2)); // twice: once
    store.commit();
    store = restart(store);
    assertThat(store.waiting()).containsExactly(new MessageId(LOW, 3), new MessageId(LOW, 2));

    store.markShown(new MessageId(LOW, 3));
    store.markShown(new MessageId(LOW, 9)); // never marked: nothing
    store.commit();
    store = restart(store);
    assertThat(store.waiting()).containsExactly(new MessageId(LOW, 2));
  }

  /**
   * rev33: rows marked hidden (refused as backdated) are left out of the history reads, by the
   * store itself, so a page is filled from the rows below them however many there are; they stay
   * stored and served, the mark outlives a restart, and marking an id not stored does nothing.
   */
  @Test
  void rowsMarkedHiddenAreLeftOutOfTheHistoryAcrossARestartAndStayStored() throws Exception {
    List<ChatMessage> shown = new ArrayList<>();
    for (int s = 1; s <= 5; s++) {
      ChatMessage m = msg(LOW, s, s);
      store.append(m);
      shown.add(m);
    }
    for (int s = 1; s <= 100; s++) {
      store.append(msg(HIGH, s, 10)); // on top of the history, all at one time
      store.markHidden(new MessageId(HIGH, s));
    }
    store.markHidden(new MessageId(LOW, 99)); // not stored: nothing
    store.commit();
    store = restart(store);
    assertThat(store.history(3)).isEqualTo(shown.subList(2, 5));
    assertThat(store.historyBefore(null, 20)).isEqualTo(shown);
    assertThat(store.historyBefore(msg(HIGH, 50, 10), 2)).isEqualTo(shown.subList(3, 5));
    assertThat(store.historyBefore(shown.get(3), 20)).isEqualTo(shown.subList(0, 3));
    assertThat(store.count()).isEqualTo(105);
    assertThat(store.range(HIGH, new SeqRange(1, 100), 200)).hasSize(100);
    assertThat(store.get(new MessageId(HIGH, 7))).isPresent();

    ChatMessage late = msg(LOW, 99, 11); // stored after its id was marked: listed
    store.append(late);
    store.commit();
    assertThat(store.history(2)).containsExactly(shown.get(4), late);
  }

  @Test
  void headsAreKeptOnceAndFoundAtOrAboveASeq() {
    ChainAuthor author = new ChainAuthor(Identity.generate(), "lobby");
    PeerId origin = author.identity().peerId();
    author.next("1");
    author.next("2");
    ChainHead two = author.head();
    author.next("3");
    author.next("4");
    author.next("5");
    ChainHead five = author.head();
    store.putHead(five);
    store.putHead(two);
    store.putHead(two);
    store.commit();
    assertThat(store.headAtOrAfter(origin, 1)).contains(two);
    assertThat(store.headAtOrAfter(origin, 2)).contains(two);
    assertThat(store.headAtOrAfter(origin, 3)).contains(five);
    assertThat(store.headAtOrAfter(origin, 5).orElseThrow().publicKey())
        .isEqualTo(author.identity().publicKey());
    assertThat(store.headAtOrAfter(origin, 6)).isEmpty();
    assertThat(store.headAtOrAfter(PeerId.fromHex("0102"), 1)).isEmpty();
  }

  @Test
  void appendTellsNewFromDuplicateFromConflict() {
    ChatMessage first = msg(LOW, 1, 3, new MessageId(HIGH, 2));
    assertThat(store.append(first)).isEqualTo(AppendResult.NEW);
    assertThat(store.append(msg(LOW, 1, 3, new MessageId(HIGH, 2))))
        .isEqualTo(AppendResult.DUPLICATE);
    assertThat(store.conflictCount()).isZero();

    // every field counts, deps included
    ChatMessage otherDeps = msg(LOW, 1, 3, new MessageId(HIGH, 3));
    ChatMessage noDeps = msg(LOW, 1, 3);
    ChatMessage otherText =
        new ChatMessage(first.id(), 3, first.wallTimeMs(), first.nick(), "x", first.deps());
    ChatMessage otherNick =
        new ChatMessage(first.id(), 3, first.wallTimeMs(), "eve", first.text(), first.deps());
    ChatMessage otherWall =
        new ChatMessage(first.id(), 3, 1, first.nick(), first.text(), first.deps());
    ChatMessage otherLamport =
        new ChatMessage(
            first.id(), 4, first.wallTimeMs(), first.nick(), first.text(), first.deps());
    for (ChatMessage fork :
        List.of(otherDeps, noDeps, otherText, otherNick, otherWall, otherLamport)) {
      assertThat(store.append(fork)).as(fork.toString()).isEqualTo(AppendResult.CONFLICT);
    }
    assertThat(store.conflictCount()).isEqualTo(6);
    // the same second version relayed again is still a conflict, recorded once
    assertThat(store.append(otherText)).isEqualTo(AppendResult.CONFLICT);
    assertThat(store.conflictCount()).isEqualTo(6);
    // the first stays
    assertThat(store.get(first.id())).contains(first);
    assertThat(store.count()).isEqualTo(1);
    assertThat(store.history(10)).containsExactly(first);
  }

  @Test
  void appendAllReportsEachMessageInOrder() {
    ChatMessage a = msg(LOW, 1, 1);
    store.append(a);
    List<AppendResult> results =
        store.appendAll(
            List.of(msg(LOW, 2, 2), a, msg(LOW, 1, 9), msg(HIGH, 1, 2), msg(LOW, 2, 2)));
    assertThat(results)
        .containsExactly(
            AppendResult.NEW,
            AppendResult.DUPLICATE,
            AppendResult.CONFLICT,
            AppendResult.NEW,
            AppendResult.DUPLICATE);
    assertThat(store.count()).isEqualTo(3);
    assertThat(store.appendAll(List.of())).isEmpty();
  }

  /**
   * A catch-up's batch of hundreds (SQLite stores them many rows to a statement): a run of new
   * messages, then copies, a second version and a repeat among new ones, each told apart where it
   * stands, and every new message stored whole.
   */
  @Test
  void aLongBatchReportsEachMessageInOrderWhereverTheCopiesFall() {
    ChatMessage stored = msg(HIGH, 100, 100);
    store.append(stored);
    List<ChatMessage> batch = new ArrayList<>();
    List<AppendResult> expected = new ArrayList<>();
    for (int seq = 1; seq <= 200; seq++) {
      batch.add(msg(LOW, seq, seq, new MessageId(HIGH, seq)));
      expected.add(AppendResult.NEW);
    }
    batch.set(70, stored);
    expected.set(70, AppendResult.DUPLICATE);
    batch.set(90, msg(HIGH, 100, 7)); // another version of the stored one
    expected.set(90, AppendResult.CONFLICT);
    batch.set(150, batch.get(149)); // the same message twice in one batch
    expected.set(150, AppendResult.DUPLICATE);

    assertThat(store.appendAll(batch)).containsExactlyElementsOf(expected);
    assertThat(store.count()).isEqualTo(1 + 197);
    assertThat(store.conflictCount()).isEqualTo(1);
    for (int i = 0; i < batch.size(); i++) {
      if (expected.get(i) == AppendResult.NEW) {
        assertThat(store.get(batch.get(i).id())).contains(batch.get(i));
      }
    }
    assertThat(store.get(stored.id())).contains(stored);
    assertThat(store.get(new MessageId(LOW, 71))).isEmpty(); // its slot held the copy
  }

  @Test
  void emptyStoreLoadsZeroes() {
    Snapshot s = store.load(SELF);
    assertThat(s.lamport()).isZero();
    assertThat(s.ownSeq()).isZero();
    assertThat(s.holdings()).isEmpty();
    assertThat(store.history(5)).isEmpty();
    assertThat(store.latest(5)).isEmpty();
    assertThat(store.predecessor(new LamportTimestamp(9, LOW))).isEmpty();
    assertThat(store.get(new MessageId(LOW, 1))).isEmpty();
  }

  @Test
  void loadResumesClockSeqAndHoldingsWithGaps() {
    store.appendOwn(msg(SELF, 1, 1), 1);
    store.appendOwn(msg(SELF, 2, 4), 4);
    for (long seq : new long[] {1, 2, 3, 5, 7, 8}) {
      store.append(msg(LOW, seq, seq + 1));
    }
    store.append(msg(HIGH, 4, 2)); // a late joiner's window may start past 1
    // the clock saved with an own message may be ahead of every stored message
    store.appendOwn(msg(SELF, 3, 6), 20);

    Snapshot s = store.load(SELF);
    assertThat(s.lamport()).isEqualTo(20);
    assertThat(s.ownSeq()).isEqualTo(3);
    assertThat(s.holdings())
        .containsOnlyKeys(SELF, LOW, HIGH)
        .containsEntry(SELF, SeqSet.of(3, List.of()))
        .containsEntry(LOW, SeqSet.of(3, List.of(new SeqRange(5, 5), new SeqRange(7, 8))))
        .containsEntry(HIGH, SeqSet.of(0, List.of(new SeqRange(4, 4))));
  }

  @Test
  void ownMessagesLearnedFromOthersCountTowardOwnSeq() {
    // a peer that lost its file gets its own old messages back by sync: never reuse those seqs
    store.append(msg(SELF, 7, 30));
    Snapshot s = store.load(SELF);
    assertThat(s.ownSeq()).isEqualTo(7);
    assertThat(s.lamport()).isEqualTo(30);
    assertThat(store.load(LOW).ownSeq()).isZero();
  }

  @Test
  void rangeIsAscendingWithinBoundsAndLimited() {
    for (long seq = 1; seq <= 10; seq++) {
      store.append(msg(LOW, seq, 20 - seq)); // lamport order opposite to seq order
    }
    store.append(msg(HIGH, 4, 1));
    assertThat(store.range(LOW, new SeqRange(3, 8), 4))
        .extracting(ChatMessage::seq)
        .containsExactly(3L, 4L, 5L, 6L);
    assertThat(store.range(LOW, new SeqRange(9, 50), 100))
        .extracting(ChatMessage::seq)
        .containsExactly(9L, 10L);
    assertThat(store.range(HIGH, new SeqRange(1, 3), 10)).isEmpty();
    assertThat(store.range(SELF, new SeqRange(1, 3), 10)).isEmpty();
    assertThat(store.range(LOW, new SeqRange(1, 10), 0)).isEmpty();
  }

  @Test
  void historyIsCanonicalOrderOldestFirstAndKeepsTheNewest() {
    ChatMessage a = msg(HIGH, 1, 1);
    ChatMessage b = msg(LOW, 1, 2);
    ChatMessage c = msg(HIGH, 2, 2); // same lamport as b: the origin breaks the tie, unsigned
    ChatMessage d = msg(SELF, 1, 3);
    ChatMessage e = msg(LOW, 2, 7);
    for (ChatMessage m : List.of(e, c, a, d, b)) {
      store.append(m);
    }
    assertThat(store.history(100)).containsExactly(a, b, c, d, e);
    assertThat(store.history(2)).containsExactly(d, e);
    assertThat(store.history(0)).isEmpty();
    assertThat(store.latest(3)).containsExactly(e.id(), d.id(), c.id());
    assertThat(store.latest(0)).isEmpty();
  }

  @Test
  void predecessorIsTheStrictlyEarlierNeighbourInCanonicalOrder() {
    ChatMessage a = msg(LOW, 1, 1);
    ChatMessage b = msg(LOW, 2, 5);
    ChatMessage c = msg(HIGH, 1, 5);
    for (ChatMessage m : List.of(c, a, b)) {
      store.append(m);
    }
    assertThat(store.predecessor(c.timestamp())).contains(b.id());
    assertThat(store.predecessor(b.timestamp())).contains(a.id());
    assertThat(store.predecessor(a.timestamp())).isEmpty();
    assertThat(store.predecessor(new LamportTimestamp(5, SELF))).contains(b.id());
    assertThat(store.predecessor(new LamportTimestamp(100, LOW))).contains(c.id());
  }

  @Test
  void lamportOfIsTheStoredTimeOfThatIdOnly() {
    store.append(msg(LOW, 1, 7));
    store.append(msg(HIGH, 1, 9));
    store.append(msg(LOW, 2, 11));
    assertThat(store.lamportOf(new MessageId(LOW, 1))).hasValue(7);
    assertThat(store.lamportOf(new MessageId(HIGH, 1))).hasValue(9);
    assertThat(store.lamportOf(new MessageId(LOW, 2))).hasValue(11);
    assertThat(store.lamportOf(new MessageId(LOW, 3))).isEmpty();
    assertThat(store.lamportOf(new MessageId(SELF, 1))).isEmpty();
  }

  @Test
  void restartBringsEverythingBackAndTheClockAndSeqResume() throws Exception {
    store.appendOwn(msg(SELF, 1, 1), 1);
    store.appendOwn(msg(SELF, 2, 3, new MessageId(LOW, 1)), 3);
    store.append(msg(LOW, 1, 2));
    store.append(msg(LOW, 3, 8));
    store.append(msg(LOW, 1, 99)); // a conflict
    List<ChatMessage> before = store.history(100);
    Snapshot snapBefore = store.load(SELF);

    store = restart(store);

    Snapshot s = store.load(SELF);
    assertThat(s.lamport()).isEqualTo(snapBefore.lamport()).isEqualTo(8);
    assertThat(s.ownSeq()).isEqualTo(2);
    assertThat(s.holdings()).isEqualTo(snapBefore.holdings());
    assertThat(store.history(100)).isEqualTo(before);
    assertThat(store.conflictCount()).isEqualTo(1);
    // and the peer carries on from there
    store.appendOwn(msg(SELF, 3, 9), 9);
    assertThat(store.load(SELF).ownSeq()).isEqualTo(3);
    assertThat(store.load(SELF).holdings()).containsEntry(SELF, SeqSet.of(3, List.of()));
    assertThat(Map.copyOf(store.load(SELF).holdings())).hasSize(2);
  }
}
