package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import meshchat.fixture.time.NoTimers;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.peer.store.memory.InMemoryMessageStore;
import org.junit.jupiter.api.Test;

/**
 * What the admission check found delivered is not asked again when the message's missing
 * dependencies are listed ({@link Admission#knownDelivered}). Whatever the order messages come in,
 * whatever they name (themselves, the same dep twice, more than 63 deps, deps past the recent
 * window and read from the store), the list must be the one the causal buffer gives when it asks
 * everything.
 */
class KnownDeliveredTest {
  static final PeerId[] AUTHORS = {
    PeerId.fromHex("aa"), PeerId.fromHex("bb"), PeerId.fromHex("cc"), PeerId.fromHex("dd")
  };

  private final Holdings holdings = new Holdings();
  private final CausalBuffer buffer = new CausalBuffer(10_000, holdings);
  private final InMemoryMessageStore store = new InMemoryMessageStore();
  private final Admission admission = new Admission(NoTimers.INSTANCE, store, buffer);
  private int checked;

  /** Offers {@code m} as the room admits it, checking the list of what it misses on the way. */
  private void offer(ChatMessage m) {
    if (admission.backdated(m)) {
      return;
    }
    if (store.append(m) != meshchat.peer.store.MessageStore.AppendResult.NEW) {
      return;
    }
    holdings.add(m.origin(), m.seq());
    long known = admission.knownDelivered(m);
    assertThat(buffer.missingFor(m, known)).as("%s", m.id()).isEqualTo(buffer.missingFor(m));
    checked++;
    var missing = buffer.missingFor(m);
    if (missing.isEmpty()) {
      show(m);
    } else {
      buffer.hold(m, false, missing);
    }
  }

  private void show(ChatMessage m) {
    admission.delivered(m);
    for (CausalBuffer.Ready r : buffer.markDelivered(m, new ArrayList<>())) {
      admission.delivered(r.message());
    }
  }

  private static ChatMessage msg(PeerId origin, long seq, long lamport, List<MessageId> deps) {
    return new ChatMessage(new MessageId(origin, seq), lamport, 0, "n", "t", deps);
  }

  @Test
  void randomHistoriesInAnyOrderGetTheSameList() {
    for (int run = 0; run < 30; run++) {
      Random random = new Random(run);
      KnownDeliveredTest t = new KnownDeliveredTest();
      List<ChatMessage> made = new ArrayList<>();
      long[] seqs = new long[AUTHORS.length];
      for (int k = 0; k < 1_500; k++) { // past the recent window (1,024): deps read from the store
        int a = random.nextInt(AUTHORS.length);
        List<MessageId> deps = new ArrayList<>();
        int n = random.nextInt(4);
        for (int j = 0; j < n && !made.isEmpty(); j++) {
          int back = Math.min(made.size(), 1 + random.nextInt(random.nextBoolean() ? 8 : 1_400));
          deps.add(made.get(made.size() - back).id());
        }
        if (random.nextInt(50) == 0) {
          deps.add(new MessageId(AUTHORS[a], seqs[a] + 1)); // names itself
        }
        if (!deps.isEmpty() && random.nextInt(20) == 0) {
          deps.add(deps.get(0)); // the same dep twice
        }
        made.add(msg(AUTHORS[a], ++seqs[a], k + 1, deps));
      }
      List<ChatMessage> order = new ArrayList<>(made);
      if (run % 3 == 1) {
        Collections.reverse(order); // newest first: nearly everything held
      } else if (run % 3 == 2) {
        // in order, but each message swapped with one a few places on
        for (int i = 0; i + 1 < order.size(); i++) {
          Collections.swap(order, i, Math.min(order.size() - 1, i + random.nextInt(6)));
        }
      }
      for (ChatMessage m : order) {
        t.offer(m);
        if (random.nextInt(100) == 0 && t.buffer.oldest() != null) {
          CausalBuffer.Held h = t.buffer.oldest(); // the hold-back timeout shows it incomplete
          t.buffer.markShownIncomplete(h);
          t.show(h.message);
        }
      }
      assertThat(t.checked).isGreaterThan(1_000);
    }
  }

  @Test
  void depsPastTheSixtyThirdAreAlwaysAsked() {
    PeerId a = AUTHORS[0];
    PeerId b = AUTHORS[1];
    List<MessageId> deps = new ArrayList<>();
    for (int s = 1; s <= 63; s++) {
      ChatMessage m = msg(b, s, s, List.of());
      offer(m); // delivered
      deps.add(m.id());
    }
    for (int s = 64; s <= 70; s++) {
      deps.add(new MessageId(b, s)); // never come
    }
    offer(msg(a, 1, 100, List.of()));
    ChatMessage many = msg(a, 2, 101, deps); // its previous one delivered: bit 0 set
    assertThat(admission.backdated(many)).isFalse();
    assertThat(admission.knownDelivered(many) & 1).isEqualTo(1);
    assertThat(buffer.missingFor(many, admission.knownDelivered(many)))
        .containsExactlyInAnyOrderElementsOf(deps.subList(63, 70));
  }

  @Test
  void whatAnotherCheckFoundIsNotLentToThisMessage() {
    PeerId a = AUTHORS[0];
    ChatMessage a1 = msg(a, 1, 1, List.of());
    offer(a1);
    ChatMessage a2 = msg(a, 2, 2, List.of(a1.id()));
    ChatMessage b1 = msg(AUTHORS[1], 1, 3, List.of(new MessageId(a, 5)));
    assertThat(admission.backdated(a2)).isFalse();
    assertThat(admission.knownDelivered(a2)).isEqualTo(0b11);
    assertThat(admission.knownDelivered(b1)).isZero();
    assertThat(buffer.missingFor(b1, admission.knownDelivered(b1)))
        .containsExactly(new MessageId(a, 5));
  }
}
