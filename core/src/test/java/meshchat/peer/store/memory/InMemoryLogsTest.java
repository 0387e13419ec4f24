package meshchat.peer.store.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import meshchat.peer.limit.WireBounds;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.peer.store.MessageStore.AppendResult;
import meshchat.peer.sync.SeqRange;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The in-memory store's logs (an author's one message, a plain array while the seqs are dense, an
 * OriginLog past that): every read answers as a map of every message would, whatever the order and
 * spread of the seqs, through each change of form.
 */
class InMemoryLogsTest {
  private static PeerId author(int i) {
    return PeerId.of(new byte[] {7, (byte) i});
  }

  private static ChatMessage message(PeerId origin, long seq, long lamport) {
    return new ChatMessage(new MessageId(origin, seq), lamport, 0, "n", "t" + seq, List.of());
  }

  @Property(tries = 300)
  void everyReadIsAMapsAnswer(
      @ForAll long seed,
      @ForAll @IntRange(min = 1, max = 400) int n,
      @ForAll @IntRange(min = 0, max = 3) int spread) {
    Random r = new Random(seed);
    InMemoryMessageStore store = new InMemoryMessageStore();
    Map<PeerId, TreeMap<Long, ChatMessage>> ref = new TreeMap<>();
    long[] widths = {8, 64, 1_000, WireBounds.MAX_SEQ};
    for (int i = 0; i < n; i++) {
      PeerId origin = author(r.nextInt(4));
      long seq;
      if (r.nextInt(10) == 0) {
        seq = 1 + (long) (r.nextDouble() * (WireBounds.MAX_SEQ - 1)); // far past the rest
      } else {
        seq = 1 + Math.floorMod(r.nextLong(), widths[spread]);
      }
      TreeMap<Long, ChatMessage> held = ref.computeIfAbsent(origin, o -> new TreeMap<>());
      ChatMessage m = message(origin, seq, 1 + r.nextInt(1_000));
      AppendResult got = store.append(m);
      ChatMessage before = held.get(seq);
      if (before == null) {
        assertThat(got).isEqualTo(AppendResult.NEW);
        held.put(seq, m);
      } else {
        assertThat(got)
            .isEqualTo(before.equals(m) ? AppendResult.DUPLICATE : AppendResult.CONFLICT);
      }
      ChatMessage again = held.get(seq);
      assertThat(store.append(again)).isEqualTo(AppendResult.DUPLICATE);
      if (r.nextInt(8) == 0) {
        readsMatch(store, ref, r);
      }
    }
    readsMatch(store, ref, r);
  }

  private static void readsMatch(
      InMemoryMessageStore store, Map<PeerId, TreeMap<Long, ChatMessage>> ref, Random r) {
    for (int a = 0; a < 5; a++) {
      PeerId origin = author(a);
      TreeMap<Long, ChatMessage> held = ref.getOrDefault(origin, new TreeMap<>());
      for (long seq : held.keySet()) {
        assertThat(store.get(new MessageId(origin, seq))).contains(held.get(seq));
        assertThat(store.lamportOf(new MessageId(origin, seq))).hasValue(held.get(seq).lamport());
      }
      for (long seq : new long[] {1, 2, 3, 63, 64, 65, 1_000, WireBounds.MAX_SEQ}) {
        assertThat(store.get(new MessageId(origin, seq)).orElse(null)).isEqualTo(held.get(seq));
      }
      long first = 1 + r.nextInt(100);
      long last = r.nextBoolean() ? WireBounds.MAX_SEQ : first + r.nextInt(100);
      int limit = r.nextInt(20);
      List<ChatMessage> want =
          new ArrayList<>(held.subMap(first, true, last, true).values())
              .subList(0, Math.min(limit, held.subMap(first, true, last, true).size()));
      assertThat(store.range(origin, new SeqRange(first, last), limit)).isEqualTo(want);
      assertThat(store.range(origin, new SeqRange(1, WireBounds.MAX_SEQ), Integer.MAX_VALUE))
          .containsExactlyElementsOf(held.values());
      if (held.isEmpty()) {
        assertThat(store.load(author(9)).holdings()).doesNotContainKey(origin);
      } else {
        assertThat(store.load(author(9)).holdings().get(origin).count()).isEqualTo(held.size());
      }
    }
  }

  @Test
  void anAuthorsLogChangesFormAndKeepsEveryMessage() {
    InMemoryMessageStore store = new InMemoryMessageStore();
    PeerId a = author(1);
    // one message; two (an array); dense on to 1,000; then one far past (an OriginLog)
    for (long seq = 1; seq <= 1_000; seq++) {
      assertThat(store.append(message(a, seq, seq))).isEqualTo(AppendResult.NEW);
    }
    assertThat(store.append(message(a, WireBounds.MAX_SEQ, 5_000))).isEqualTo(AppendResult.NEW);
    assertThat(store.append(message(a, 1_001, 1_001))).isEqualTo(AppendResult.NEW);
    assertThat(store.append(message(a, 500, 500))).isEqualTo(AppendResult.DUPLICATE);
    assertThat(store.append(message(a, 500, 501))).isEqualTo(AppendResult.CONFLICT);
    for (long seq = 1; seq <= 1_001; seq++) {
      assertThat(store.lamportOf(new MessageId(a, seq))).hasValue(seq);
    }
    assertThat(store.lamportOf(new MessageId(a, WireBounds.MAX_SEQ))).hasValue(5_000);
    assertThat(store.get(new MessageId(a, 1_002))).isEmpty();
    assertThat(store.load(a).holdings().get(a).count()).isEqualTo(1_002);
    assertThat(store.load(a).ownSeq()).isEqualTo(WireBounds.MAX_SEQ);
    // an author whose first message is far past 1 starts as one message, then an OriginLog
    PeerId b = author(2);
    assertThat(store.append(message(b, 1_000_000, 1))).isEqualTo(AppendResult.NEW);
    assertThat(store.append(message(b, 1, 2))).isEqualTo(AppendResult.NEW);
    assertThat(store.append(message(b, 2, 3))).isEqualTo(AppendResult.NEW);
    assertThat(store.range(b, new SeqRange(1, WireBounds.MAX_SEQ), 10))
        .extracting(m -> m.seq())
        .containsExactly(1L, 2L, 1_000_000L);
  }
}
