package meshchat.peer.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import meshchat.peer.limit.WireBounds;
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
    assertThat(held).as("the last 8,192 stored, two authors interleaved").isGreaterThan(8_100);
  }

  /**
   * The SQLite throughput cell's shape (docs/benchmarks.md, session 19): five authors interleaved,
   * 110,000 stores a peer, and the deps a lagging neighbour names are up to 20,000 seqs behind
   * their author's newest, 100,000 stores back. Direct-mapped at 32,768 slots, nearly all of them
   * went to SQLite.
   */
  @Test
  void depsFarBehindTheirAuthorsNewestAreStillAnswered() {
    RecentLamports recent = new RecentLamports();
    PeerId[] authors = new PeerId[5];
    for (int a = 0; a < authors.length; a++) {
      authors[a] = PeerId.of(new byte[] {7, (byte) a, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9});
    }
    for (long seq = 1; seq <= 24_000; seq++) {
      for (int a = 0; a < authors.length; a++) {
        recent.put(new MessageId(authors[a], seq), 5 * seq + a);
      }
    }
    int held = 0;
    int asked = 0;
    for (long seq = 24_000 - 20_000 + 1; seq <= 24_000; seq++) {
      for (int a = 0; a < authors.length; a++) {
        asked++;
        held += recent.get(new MessageId(authors[a], seq)) == 5 * seq + a ? 1 : 0;
      }
    }
    assertThat((double) held / asked).as("the last 100,000 of 120,000 stored").isGreaterThan(0.95);
  }

  /**
   * The SQLite throughput cell's shape as session 30 measured it (docs/benchmarks.md): five authors
   * interleaved, and the deps the room asked SQLite for 32,768 to 131,071 seqs behind their
   * author's newest, past rings that stopped at 32,768 and 65,536 slots. Each of the five rings now
   * reaches 131,072 slots within {@link RecentLamports#MAX_SLOTS}.
   */
  @Test
  void depsUpTo131071SeqsBehindAreAnsweredForFiveAuthors() {
    RecentLamports recent = new RecentLamports();
    PeerId[] authors = new PeerId[5];
    for (int a = 0; a < authors.length; a++) {
      authors[a] = PeerId.of(new byte[] {8, (byte) a, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
    }
    long top = 150_000;
    for (long seq = 1; seq <= top; seq++) {
      for (int a = 0; a < authors.length; a++) {
        recent.put(new MessageId(authors[a], seq), 5 * seq + a);
      }
    }
    for (int a = 0; a < authors.length; a++) {
      assertThat(recent.length(authors[a])).isEqualTo(RecentLamports.MAX_LENGTH);
      for (long behind = 0; behind < 131_072; behind += 97) {
        long seq = top - behind;
        assertThat(recent.get(new MessageId(authors[a], seq)))
            .as("author %d, %d behind", a, behind)
            .isEqualTo(5 * seq + a);
      }
    }
    assertThat(recent.slots()).isLessThanOrEqualTo(RecentLamports.MAX_SLOTS);
  }

  @Test
  void aRingGrowsWhileItsOriginWritesInOrderUpToItsCap() {
    RecentLamports recent = new RecentLamports();
    int n = 3 * RecentLamports.MAX_LENGTH;
    for (long seq = 1; seq <= n; seq++) {
      recent.put(new MessageId(A, seq), seq + 7);
    }
    assertThat(recent.length(A)).isEqualTo(RecentLamports.MAX_LENGTH);
    for (long seq = 1; seq <= n; seq++) {
      long held = n - seq < RecentLamports.MAX_LENGTH ? seq + 7 : 0;
      assertThat(recent.get(new MessageId(A, seq))).as("seq %d", seq).isEqualTo(held);
    }
  }

  @Test
  void anIdStoredAgainIsOneEntryWithItsLatestTime() {
    RecentLamports recent = new RecentLamports();
    recent.put(new MessageId(A, 3), 10);
    recent.put(new MessageId(A, 3), 12); // stored again (after a rollback)
    assertThat(recent.get(new MessageId(A, 3))).isEqualTo(12);
    assertThat(recent.length(A)).isEqualTo(RecentLamports.FIRST_LENGTH);
  }

  /** Many busy origins share {@link RecentLamports#MAX_SLOTS}: no ring grows past it. */
  @Test
  void allRingsTogetherStayWithinTheirSlots() {
    RecentLamports recent = new RecentLamports();
    PeerId[] origins = new PeerId[12];
    for (int o = 0; o < origins.length; o++) {
      origins[o] = PeerId.of(new byte[] {9, (byte) o});
    }
    for (long seq = 1; seq <= 70_000; seq++) {
      for (int o = 0; o < origins.length; o++) {
        recent.put(new MessageId(origins[o], seq), seq * 16 + o);
      }
    }
    assertThat(recent.slots()).isLessThanOrEqualTo(RecentLamports.MAX_SLOTS);
    int lengths = 0;
    for (PeerId o : origins) {
      lengths += recent.length(o);
    }
    assertThat(lengths).isEqualTo(recent.slots());
    for (int o = 0; o < origins.length; o++) {
      for (long seq = 70_000 - 16_383; seq <= 70_000; seq++) {
        assertThat(recent.get(new MessageId(origins[o], seq))).isEqualTo(seq * 16 + o);
      }
    }
    // then as many new origins as fit, and more: grown rings and first rings together stay within
    for (int o = 0; o < RecentLamports.MAX_ORIGINS + 100; o++) {
      recent.put(new MessageId(PeerId.of(new byte[] {6, (byte) (o >> 8), (byte) o}), 1), 1);
      assertThat(recent.slots()).isLessThanOrEqualTo(RecentLamports.MAX_SLOTS);
    }
  }

  /** A stranger naming ever new origins, or seqs far apart, holds bounded memory. */
  @Test
  void manyOriginsAndWildSeqsHoldBoundedSlots() {
    RecentLamports recent = new RecentLamports();
    for (int o = 0; o < 3 * RecentLamports.MAX_ORIGINS; o++) {
      PeerId origin = PeerId.of(new byte[] {5, (byte) (o >> 16), (byte) (o >> 8), (byte) o});
      for (long k = 0; k < 4; k++) {
        long seq = k == 0 ? 1 : k == 1 ? WireBounds.MAX_SEQ : (k << 40) + o;
        recent.put(new MessageId(origin, seq), 1 + k);
      }
      assertThat(recent.slots()).isLessThanOrEqualTo(RecentLamports.MAX_SLOTS);
    }
    PeerId last = PeerId.of(new byte[] {5, 0, 0x2f, (byte) 0xff}); // the last one named (12,287)
    assertThat(recent.get(new MessageId(last, 1))).isEqualTo(1);
    assertThat(recent.get(new MessageId(last, WireBounds.MAX_SEQ))).isEqualTo(2);
    assertThat(recent.length(last)).as("jumps never grow a ring").isEqualTo(64);
  }

  @Test
  void extremeSeqsAreHeldApart() {
    RecentLamports recent = new RecentLamports();
    long[] seqs = {WireBounds.MAX_SEQ, WireBounds.MAX_SEQ - 1, 1, 2, 1L << 32};
    for (int i = 0; i < seqs.length; i++) {
      recent.put(new MessageId(A, seqs[i]), 100 + i);
    }
    int held = 0;
    for (int i = 0; i < seqs.length; i++) {
      long t = recent.get(new MessageId(A, seqs[i]));
      assertThat(t == 0 || t == 100 + i).isTrue();
      held += t == 0 ? 0 : 1;
    }
    assertThat(held).isGreaterThanOrEqualTo(4);
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
