package meshchat.peer.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import org.junit.jupiter.api.Test;

class RecentLamportsTest {
  private static final PeerId A = PeerId.of(new byte[] {1, 2, 3});
  private static final PeerId B = PeerId.of(new byte[] {4, 5, 6});

  @Test
  void theLastMessagesStoredAreAnsweredThroughEveryGrowth() {
    RecentLamports recent = new RecentLamports();
    for (long seq = 1; seq <= 20_000; seq++) {
      recent.put(new MessageId(A, seq), 2 * seq);
      recent.put(new MessageId(B, seq), 2 * seq + 1);
    }
    int held = 0;
    for (long seq = 20_000 - 4_096 + 1; seq <= 20_000; seq++) {
      held += recent.get(new MessageId(A, seq)) == 2 * seq ? 1 : 0;
      held += recent.get(new MessageId(B, seq)) == 2 * seq + 1 ? 1 : 0;
    }
    assertThat(held).as("the last 8,192 stored, two authors interleaved").isGreaterThan(7_000);
  }

  @Test
  void anIdNeverStoredOrForgottenHasNoTime() {
    RecentLamports recent = new RecentLamports();
    recent.put(new MessageId(A, 1), 7);
    assertThat(recent.get(new MessageId(A, 1))).isEqualTo(7);
    assertThat(recent.get(new MessageId(B, 1))).isZero();
    assertThat(recent.get(new MessageId(A, 2))).isZero();
    recent.clear();
    assertThat(recent.get(new MessageId(A, 1))).isZero();
  }

  @Test
  void aSlotTakenByAnotherIdNeverAnswersWithItsTime() {
    RecentLamports recent = new RecentLamports();
    for (long seq = 1; seq <= 100_000; seq++) {
      recent.put(new MessageId(A, seq), seq + 1_000_000);
    }
    for (long seq = 1; seq <= 100_000; seq++) {
      long t = recent.get(new MessageId(A, seq));
      assertThat(t == 0 || t == seq + 1_000_000).as("seq %d answered %d", seq, t).isTrue();
      assertThat(recent.get(new MessageId(B, seq))).isZero();
    }
  }
}
