package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import meshchat.fixture.time.NoTimers;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.peer.store.MessageStore;
import meshchat.peer.store.memory.InMemoryMessageStore;
import org.junit.jupiter.api.Test;

/**
 * How many deliveries the admission check remembers ({@link RoomConfig#recentMessages}) changes
 * only where it looks a dependency's time up, never its verdict: a dependency past the window is
 * read from the store, with the same answer.
 */
class AdmissionWindowTest {
  static final PeerId[] AUTHORS = {
    PeerId.fromHex("aa"), PeerId.fromHex("bb"), PeerId.fromHex("cc"), PeerId.fromHex("dd")
  };

  /** One room's admission path, as {@link KnownDeliveredTest} drives it. */
  private static final class Path {
    final Holdings holdings = new Holdings();
    final CausalBuffer buffer = new CausalBuffer(10_000, holdings);
    final InMemoryMessageStore store = new InMemoryMessageStore();
    final Admission admission;
    final List<Boolean> verdicts = new ArrayList<>();

    Path(int recent) {
      admission = new Admission(NoTimers.INSTANCE, store, buffer, recent);
    }

    void offer(ChatMessage m) {
      boolean backdated = admission.backdated(m);
      verdicts.add(backdated);
      if (backdated || store.append(m) != MessageStore.AppendResult.NEW) {
        return;
      }
      holdings.add(m.origin(), m.seq());
      var missing = buffer.missingFor(m, admission.knownDelivered(m));
      if (missing.isEmpty()) {
        show(m);
      } else {
        buffer.hold(m, false, missing);
      }
    }

    void show(ChatMessage m) {
      admission.delivered(m);
      for (CausalBuffer.Ready r : buffer.markDelivered(m, new ArrayList<>())) {
        if (!(r.checked() ? r.backdated() : admission.backdated(r.message()))) {
          admission.delivered(r.message());
        }
      }
    }
  }

  @Test
  void everyWindowGivesTheSameVerdicts() {
    for (int run = 0; run < 20; run++) {
      Random random = new Random(run);
      List<ChatMessage> made = new ArrayList<>();
      long[] seqs = new long[AUTHORS.length];
      long[] lamports = new long[AUTHORS.length];
      for (int k = 0; k < 3_000; k++) {
        int a = random.nextInt(AUTHORS.length);
        List<MessageId> deps = new ArrayList<>();
        long floor = lamports[a];
        for (int j = random.nextInt(5); j > 0 && !made.isEmpty(); j--) {
          int back = Math.min(made.size(), 1 + random.nextInt(random.nextBoolean() ? 8 : 2_500));
          ChatMessage dep = made.get(made.size() - back);
          deps.add(dep.id());
          floor = Math.max(floor, dep.lamport());
        }
        // mostly above every dependency; sometimes at or below one (backdated)
        long lamport = random.nextInt(25) == 0 ? Math.max(1, floor - random.nextInt(3)) : floor + 1;
        lamports[a] = Math.max(lamports[a], lamport);
        made.add(new ChatMessage(new MessageId(AUTHORS[a], ++seqs[a]), lamport, 0, "n", "t", deps));
      }
      List<ChatMessage> order = new ArrayList<>(made);
      if (run % 2 == 1) {
        for (int i = 0; i + 1 < order.size(); i++) {
          Collections.swap(order, i, Math.min(order.size() - 1, i + random.nextInt(6)));
        }
      }
      Path one = new Path(1);
      Path usual = new Path(Admission.RECENT);
      Path peer = new Path(8_192);
      for (ChatMessage m : order) {
        one.offer(m);
        usual.offer(m);
        peer.offer(m);
      }
      assertThat(one.verdicts).as("run %d", run).isEqualTo(peer.verdicts);
      assertThat(usual.verdicts).as("run %d", run).isEqualTo(peer.verdicts);
      assertThat(peer.verdicts).contains(true, false);
    }
  }

  @Test
  void aWindowOutsideItsRangeIsRefused() {
    assertThatThrownBy(() -> RoomConfig.defaults().with(d -> d.recentMessages = 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("recentMessages must be 1..65535");
    assertThatThrownBy(() -> RoomConfig.defaults().with(d -> d.recentMessages = 65_536))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RoomConfig.defaults().with(d -> d.recentMessages = -1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(RoomConfig.defaults().with(d -> d.recentMessages = 65_535).recentMessages())
        .isEqualTo(65_535);
    assertThat(RoomConfig.defaults().recentMessages()).isEqualTo(Admission.RECENT);
  }
}
