package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.peer.sync.SeqSet;
import org.junit.jupiter.api.Test;

/**
 * The causal buffer answers "delivered?" from each author's delivered prefix when the author was
 * delivered in seq order, and from its sets otherwise. Whatever order messages come in (backwards,
 * shuffled, shown incomplete, seqs at and past 2^31 and up to the wire's bound), the answer must be
 * the set of messages delivered so far, exactly.
 */
class CausalPrefixTest {
  static final PeerId A = PeerId.fromHex("aa");
  static final PeerId B = PeerId.fromHex("bb");

  /** A buffer fed messages, and the model: every message delivered or shown so far. */
  static final class Feed {
    final CausalBuffer buffer = new CausalBuffer();
    final Set<MessageId> delivered = new HashSet<>();

    void offer(ChatMessage m) {
      Set<MessageId> missing = buffer.missingFor(m);
      if (missing.isEmpty()) {
        release(m);
      } else {
        buffer.hold(m, false, missing);
      }
    }

    private void release(ChatMessage m) {
      delivered.add(m.id());
      for (CausalBuffer.Ready r : buffer.markDelivered(m, new ArrayList<>())) {
        delivered.add(r.message().id());
      }
    }

    /** Shows the oldest held message incomplete, as the hold-back timeout does. */
    void showOldest() {
      CausalBuffer.Held h = buffer.oldest();
      if (h != null) {
        buffer.markShownIncomplete(h);
        release(h.message);
      }
    }

    void assertDeliveredExactly(List<MessageId> universe) {
      for (MessageId id : universe) {
        assertThat(buffer.isDelivered(id)).as("%s", id).isEqualTo(delivered.contains(id));
        assertThat(buffer.isDelivered(id.origin(), id.seq()))
            .as("%s", id)
            .isEqualTo(delivered.contains(id));
      }
    }
  }

  private final Feed feed = new Feed();
  private final CausalBuffer buffer = feed.buffer;
  private final Set<MessageId> delivered = feed.delivered;

  private void offer(ChatMessage m) {
    feed.offer(m);
  }

  private void showOldest() {
    feed.showOldest();
  }

  private void assertDeliveredExactly(List<MessageId> universe) {
    feed.assertDeliveredExactly(universe);
  }

  @Test
  void anAuthorsChainListedBackwardsIsDeliveredWholeOnlyWhenItsFirstComes() {
    int n = 2_000;
    List<MessageId> universe = new ArrayList<>();
    for (int seq = 1; seq <= n + 1; seq++) {
      universe.add(new MessageId(A, seq));
    }
    for (int seq = n; seq >= 2; seq--) {
      offer(CausalBufferTest.msg(A, seq, seq));
    }
    assertDeliveredExactly(universe);
    assertThat(buffer.pendingCount()).isEqualTo(n - 1);
    offer(CausalBufferTest.msg(A, 1, 1));
    assertThat(delivered).hasSize(n);
    assertDeliveredExactly(universe); // 1..n, and not n + 1
  }

  @Test
  void seqsPastTheIntRangeAndAtTheWiresBoundNeverPassForAnotherSeq() {
    long[] seqs = {
      Integer.MAX_VALUE - 1L,
      Integer.MAX_VALUE,
      Integer.MAX_VALUE + 1L,
      (1L << 32) + 1, // 1 if cut to an int
      (1L << 32) + 2,
      1L << 62 // WireBounds.MAX_SEQ
    };
    List<MessageId> universe = new ArrayList<>();
    for (long s : seqs) {
      universe.add(new MessageId(A, s));
      universe.add(new MessageId(A, s - 1));
    }
    universe.add(new MessageId(A, 1));
    universe.add(new MessageId(A, 2));
    for (long s : seqs) {
      offer(CausalBufferTest.msg(A, s, s)); // held: its previous one never came
    }
    assertDeliveredExactly(universe);
    for (int i = 0; i < seqs.length; i++) {
      showOldest(); // delivered without its previous one
      assertDeliveredExactly(universe);
    }
    offer(CausalBufferTest.msg(A, 1, 1));
    assertDeliveredExactly(universe);
    assertThat(buffer.isDelivered(new MessageId(A, 2))).isFalse();
  }

  @Test
  void aRestartsHoldingsWithGapsAreDeliveredAsStoredAndNoMore() {
    SeqSet held = new SeqSet();
    held.addRange(1, 3);
    held.addRange(7, 9);
    buffer.restore(Map.of(A, held), List.of(new MessageId(A, 9)));
    for (long s : new long[] {1, 3, 7, 9}) {
      delivered.add(new MessageId(A, s));
    }
    List<MessageId> universe = new ArrayList<>();
    for (int s = 1; s <= 12; s++) {
      universe.add(new MessageId(A, s));
    }
    for (long s : new long[] {2, 8}) {
      delivered.add(new MessageId(A, s));
    }
    assertDeliveredExactly(universe);
    offer(CausalBufferTest.msg(A, 10, 10));
    offer(CausalBufferTest.msg(A, 5, 5)); // held for 4
    assertDeliveredExactly(universe);
  }

  @Test
  void theMessageBeingAdmittedIsAnsweredFromTheSetsAsBeforeTheBufferKnewIt() {
    // the room stores a message in the shared holdings, then asks what it waits for, then holds
    // or delivers it: in between it is stored and not pending, which the sets call delivered (a
    // message naming itself is caught by missingFor; a disputed one by the room's neverComes)
    Holdings holdings = new Holdings();
    CausalBuffer shared = new CausalBuffer(10, holdings);
    ChatMessage a2 = CausalBufferTest.msg(A, 2, 2, new MessageId(A, 2));
    holdings.add(A, 2);
    assertThat(shared.isDelivered(a2.id())).isTrue();
    assertThat(shared.missingFor(a2)).containsExactlyInAnyOrder(new MessageId(A, 1), a2.id());
    shared.hold(a2, false, shared.missingFor(a2));
    assertThat(shared.isDelivered(a2.id())).isFalse();
    assertThat(shared.isDelivered(new MessageId(A, 1))).isFalse();
  }

  @Test
  void pendingMessagesStayOldestFirstWithExactBudgetsWhateverOrderTheyAreReleasedIn() {
    // 3,000 held messages by 3 links, each waiting for one of 100 ids; the ids then arrive in an
    // order unrelated to the holding order (backwards, then interleaved), some shown incomplete
    PeerId[] links = {PeerId.fromHex("01"), PeerId.fromHex("02"), PeerId.fromHex("03")};
    List<ChatMessage> deps = new ArrayList<>();
    for (int i = 1; i <= 100; i++) {
      deps.add(CausalBufferTest.msg(PeerId.fromHex("d0"), i, i));
    }
    List<ChatMessage> heldOrder = new ArrayList<>();
    int[] viaCount = new int[links.length];
    for (int i = 0; i < 3_000; i++) {
      PeerId author = PeerId.of(new byte[] {7, (byte) (i >> 8), (byte) i});
      ChatMessage dep = deps.get((i * 37) % 100);
      ChatMessage m = CausalBufferTest.msg(author, 1, 1_000 + i, dep.id());
      buffer.hold(m, false, buffer.missingFor(m), links[i % 3], false, i);
      viaCount[i % 3]++;
      heldOrder.add(m);
    }
    assertThat(buffer.pendingCount()).isEqualTo(3_000);
    Random random = new Random(7);
    List<ChatMessage> arrivals = new ArrayList<>(deps);
    Collections.reverse(arrivals);
    Set<MessageId> released = new HashSet<>();
    for (ChatMessage d : arrivals) {
      if (random.nextInt(5) == 0 && buffer.oldest() != null) {
        CausalBuffer.Held h = buffer.oldest();
        buffer.markShownIncomplete(h);
        released.add(h.message.id());
        viaCount[heldOrder.indexOf(h.message) % 3]--;
      }
      for (CausalBuffer.Ready r : buffer.markDelivered(d, new ArrayList<>())) {
        released.add(r.message().id());
        viaCount[heldOrder.indexOf(r.message()) % 3]--;
      }
      // the oldest pending is the first held that is not released, and the budgets are exact
      ChatMessage first =
          heldOrder.stream().filter(m -> !released.contains(m.id())).findFirst().orElse(null);
      assertThat(buffer.oldest() == null ? null : buffer.oldest().message).isEqualTo(first);
      assertThat(buffer.pendingCount()).isEqualTo(3_000 - released.size());
      for (int l = 0; l < links.length; l++) {
        assertThat(buffer.pendingVia(links[l])).isEqualTo(viaCount[l]);
      }
    }
    assertThat(buffer.pendingCount()).isZero();
    assertThat(buffer.oldest()).isNull();
    assertThat(buffer.waitedOnCount()).isZero();
  }

  @Test
  void shuffledArrivalsOfInterleavedAuthorsMatchWhatWasDelivered() {
    PeerId[] authors = {A, B, PeerId.fromHex("cc"), PeerId.fromHex("dd")};
    for (int round = 0; round < 40; round++) {
      Random random = new Random(round);
      Feed t = new Feed();
      List<ChatMessage> all = new ArrayList<>();
      List<MessageId> universe = new ArrayList<>();
      long[] next = new long[authors.length];
      for (int i = 0; i < 200; i++) {
        int a = random.nextInt(authors.length);
        long seq = ++next[a];
        List<MessageId> deps = new ArrayList<>();
        for (int k = random.nextInt(3); k > 0 && !all.isEmpty(); k--) {
          deps.add(all.get(random.nextInt(all.size())).id()); // an earlier message, any author
        }
        ChatMessage m =
            new ChatMessage(new MessageId(authors[a], seq), i + 1, 0, "n", "t", List.copyOf(deps));
        all.add(m);
        universe.add(m.id());
      }
      for (int a = 0; a < authors.length; a++) {
        universe.add(new MessageId(authors[a], next[a] + 1));
      }
      List<ChatMessage> order = new ArrayList<>(all);
      Collections.shuffle(order, random);
      if (round % 4 == 0) {
        Collections.reverse(all);
        order = all; // newest first
      }
      for (ChatMessage m : order) {
        t.offer(m);
        if (random.nextInt(10) == 0) {
          t.showOldest();
        }
        t.assertDeliveredExactly(universe);
      }
      while (t.buffer.oldest() != null) {
        t.showOldest();
      }
      t.assertDeliveredExactly(universe);
      assertThat(t.delivered).hasSize(200);
    }
  }
}
