package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import meshchat.peer.limit.WireBounds;
import meshchat.peer.message.PeerId;
import meshchat.peer.sync.AuthorIndex;
import meshchat.peer.sync.SeqSet;
import org.junit.jupiter.api.Test;

/** The room's holdings against a model, in hostile orders and with numbers at the wire's edges. */
class HoldingsTest {
  private static PeerId author(int i) {
    return PeerId.of(new byte[] {(byte) (i >> 8), (byte) i});
  }

  @Test
  void agreesWithAModelWhateverTheOrderAndSharesOneToN() {
    Random random = new Random(11);
    Holdings h = new Holdings();
    Map<PeerId, TreeSet<Long>> model = new HashMap<>();
    List<PeerId> firstHeld = new ArrayList<>();
    // 300 authors, up to 300 seqs each (past the shared limit for some), listed backwards for
    // some, shuffled for others, all interleaved
    List<long[]> adds = new ArrayList<>();
    for (int a = 0; a < 300; a++) {
      int n = 1 + random.nextInt(300);
      List<Long> seqs = new ArrayList<>();
      for (long s = 1; s <= n; s++) {
        seqs.add(s);
      }
      if (a % 3 == 0) {
        Collections.reverse(seqs);
      } else if (a % 3 == 1) {
        Collections.shuffle(seqs, random);
      }
      for (long s : seqs) {
        adds.add(new long[] {a, s});
      }
    }
    Collections.shuffle(adds, random);
    for (long[] add : adds) {
      PeerId p = author((int) add[0]);
      if (!model.containsKey(p)) {
        firstHeld.add(p);
      }
      model.computeIfAbsent(p, k -> new TreeSet<>()).add(add[1]);
      int a = h.add(p, add[1]);
      assertThat(h.authors().author(a)).isEqualTo(p);
      assertThat(h.isLastAdded(a, add[1])).isTrue();
      SeqSet s = h.get(p);
      assertThat(s.count()).isEqualTo(model.get(p).size());
      assertThat(s.contains(add[1])).isTrue();
      assertThat(h.contains(p, add[1] + 1)).isEqualTo(model.get(p).contains(add[1] + 1));
    }
    int[] order = h.inOrder();
    assertThat(order).hasSize(firstHeld.size());
    for (int i = 0; i < order.length; i++) {
      PeerId p = h.authors().author(order[i]);
      assertThat(p).isEqualTo(firstHeld.get(i));
      SeqSet s = h.get(p);
      assertThat(s.contiguous()).isEqualTo(model.get(p).size());
      // 1..n up to the shared limit is the one shared set: no object of its own
      assertThat(s == s.snapshot()).isEqualTo(s.count() <= SeqSet.SHARED_UP_TO);
    }
  }

  @Test
  void withAnIndexSharedWithTheStoreTheOrderFirstHeldIsKept() {
    Random random = new Random(5);
    for (int round = 0; round < 30; round++) {
      AuthorIndex<PeerId> store = new AuthorIndex<>();
      Holdings h = new Holdings(store);
      assertThat(h.authors()).isSameAs(store);
      int n = 1 + random.nextInt(400);
      List<Integer> numbered = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        numbered.add(i);
      }
      // the store numbers authors in one order (shuffled, backwards, or in order but for one
      // numbered first and held last, as our own), the room holds them in another
      List<Integer> held = new ArrayList<>(numbered);
      switch (round % 3) {
        case 0 -> {
          Collections.shuffle(numbered, random);
          Collections.shuffle(held, random);
        }
        case 1 -> Collections.reverse(numbered);
        default -> held.add(held.remove(0));
      }
      for (int i : numbered) {
        store.add(author(i));
      }
      List<Integer> expected = new ArrayList<>();
      for (int i : held) {
        h.add(author(i), 1);
        h.add(author(i), 2);
        expected.add(store.indexOf(author(i)));
        int[] order = h.inOrder(); // after every first hold
        assertThat(order).containsExactly(expected.stream().mapToInt(Integer::intValue).toArray());
      }
    }
  }

  @Test
  void aRefusedSeqHoldsNothingAndLeavesTheOrderWhole() {
    Holdings h = new Holdings();
    h.add(author(1), 1);
    for (long bad : new long[] {0, -1, Long.MIN_VALUE, WireBounds.MAX_SEQ + 1, Long.MAX_VALUE}) {
      assertThatThrownBy(() -> h.add(author(2), bad)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> h.add(author(1), bad)).isInstanceOf(IllegalArgumentException.class);
    }
    assertThat(h.get(author(2))).isNull();
    assertThat(h.get(author(1)).count()).isEqualTo(1);
    assertThat(h.inOrder()).containsExactly(h.authors().indexOf(author(1)));
    h.add(author(2), WireBounds.MAX_SEQ); // the wire's highest seq is held
    assertThat(h.contains(author(2), WireBounds.MAX_SEQ)).isTrue();
    assertThat(h.get(author(2)).contiguous()).isZero();
    assertThat(h.inOrder())
        .containsExactly(h.authors().indexOf(author(1)), h.authors().indexOf(author(2)));
  }

  @Test
  void aRestoredSetIsHeldAsGivenOrShared() {
    Holdings h = new Holdings();
    SeqSet gapped = new SeqSet();
    gapped.addRange(1, 3);
    gapped.addRange(7, 9);
    h.put(author(1), gapped);
    SeqSet whole = new SeqSet();
    whole.addRange(1, 5);
    h.put(author(2), whole);
    assertThat(h.get(author(1))).isEqualTo(gapped);
    assertThat(h.get(author(2))).isEqualTo(whole).isSameAs(whole.snapshot());
    for (long s = 6; s >= 4; s--) { // the gap fills backwards: shared again when whole
      h.add(author(1), s);
    }
    assertThat(h.get(author(1))).isSameAs(h.get(author(1)).snapshot());
    assertThat(h.get(author(1)).count()).isEqualTo(9);
    h.add(author(2), 6);
    assertThat(whole.count()).isEqualTo(5); // the set restored from is not changed
    assertThat(h.inOrder()).hasSize(2);
  }
}
