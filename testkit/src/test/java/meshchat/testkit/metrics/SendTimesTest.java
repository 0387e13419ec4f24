package meshchat.testkit.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import org.junit.jupiter.api.Test;

/**
 * The send times by author and seq answer as the map of message ids they replace: the last time
 * put, or -1 for a message never sent; seqs at and past the dense bound, 2^31 (which an int reads
 * as negative) and 2^62, the wire's highest; sends again, authors never seen.
 */
class SendTimesTest {
  private static final long MAX_SEQ = 1L << 62; // the wire's bound (MessageId)
  private static final long[] EDGES = {
    1,
    7,
    8,
    SendTimes.MAX_DENSE_SEQ - 1,
    SendTimes.MAX_DENSE_SEQ,
    SendTimes.MAX_DENSE_SEQ + 1,
    1L << 31,
    (1L << 32) + 1,
    MAX_SEQ - 1,
    MAX_SEQ
  };

  @Test
  void answersAsAMapOfIdsDoes() {
    for (int run = 0; run < 10; run++) {
      Random random = new Random(run);
      PeerId[] authors = new PeerId[5];
      for (int i = 0; i < authors.length; i++) {
        authors[i] = PeerId.random(random);
      }
      SendTimes times = new SendTimes();
      Map<MessageId, Long> model = new HashMap<>();
      for (int step = 0; step < 5_000; step++) {
        PeerId a = authors[random.nextInt(authors.length)];
        long seq =
            random.nextInt(10) == 0 ? EDGES[random.nextInt(EDGES.length)] : 1 + random.nextInt(300);
        if (random.nextBoolean()) {
          long t = random.nextInt(20_000);
          times.put(a, seq, t);
          model.put(new MessageId(a, seq), t);
        }
        PeerId b = random.nextInt(20) == 0 ? PeerId.random(random) : a;
        long probe = random.nextBoolean() || seq == MAX_SEQ ? seq : seq + 1;
        assertThat(times.get(b, probe)).isEqualTo(model.getOrDefault(new MessageId(b, probe), -1L));
      }
    }
  }

  @Test
  void aMessageSentAgainKeepsTheLaterTime() {
    SendTimes times = new SendTimes();
    PeerId a = PeerId.fromHex("aa");
    assertThat(times.get(a, 1)).isEqualTo(-1);
    times.put(a, 1, 0); // time 0 is a time, not "not sent"
    assertThat(times.get(a, 1)).isZero();
    times.put(a, 1, 500);
    assertThat(times.get(a, 1)).isEqualTo(500);
    times.put(a, MAX_SEQ, 3);
    assertThat(times.get(a, MAX_SEQ)).isEqualTo(3);
    assertThat(times.get(a, (1L << 32) + 1)).isEqualTo(-1); // not seq 1, which an int would read
  }
}
