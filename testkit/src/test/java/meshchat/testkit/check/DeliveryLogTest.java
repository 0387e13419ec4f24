package meshchat.testkit.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * The packed delivery log against a list of the records added: times a few ms apart, equal, far
 * apart, going back, at 0 and at the latest kept; every flag combination; read in order, by
 * iterators side by side, out of order, and read between appends.
 */
class DeliveryLogTest {
  private static final PeerId A = PeerId.of(new byte[] {1});

  private static ChatMessage message(int n) {
    return new ChatMessage(new MessageId(A, n + 1), n + 1, 0, "n", "t" + n, List.of());
  }

  @Property(tries = 200)
  void readsBackEveryDeliveryAsAdded(@ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    DeliveryLog log = new DeliveryLog();
    List<Delivered> model = new ArrayList<>();
    long t = r.nextInt(3) == 0 ? DeliveryLog.MAX_TIME_MS - r.nextInt(100) : r.nextInt(100);
    int n = r.nextInt(2_000);
    for (int i = 0; i < n; i++) {
      switch (r.nextInt(10)) {
        case 0 -> t = r.nextLong(DeliveryLog.MAX_TIME_MS + 1); // anywhere, back or forth
        case 1 -> t = 0;
        case 2 -> t = DeliveryLog.MAX_TIME_MS;
        case 3 -> t = Math.min(DeliveryLog.MAX_TIME_MS, t + r.nextInt(1 << 20));
        default -> t = Math.min(DeliveryLog.MAX_TIME_MS, t + r.nextInt(5));
      }
      int flags = r.nextInt(8);
      Delivered d =
          new Delivered(t, message(i), (flags & 1) != 0, (flags & 2) != 0, (flags & 4) != 0);
      log.add(d);
      model.add(d);
      if (r.nextInt(50) == 0) { // read between appends, from any place
        int k = r.nextInt(model.size());
        assertThat(log.get(k)).isEqualTo(model.get(k));
      }
    }
    assertThat(log.size()).isEqualTo(model.size());
    for (int i = 0; i < n; i++) {
      assertThat(log.get(i)).isEqualTo(model.get(i));
    }
    for (int k = 0; k < 50 && n > 0; k++) { // out of order
      int i = r.nextInt(n);
      assertThat(log.get(i)).isEqualTo(model.get(i));
    }
    Iterator<Delivered> a = log.iterator();
    Iterator<Delivered> b = log.iterator();
    for (Delivered d : model) { // two iterators side by side
      assertThat(a.next()).isEqualTo(d);
      assertThat(b.next()).isEqualTo(d);
    }
    assertThat(a.hasNext()).isFalse();
    assertThat(log).isEqualTo(model);
  }

  @Test
  void aTimeOutsideTheLogsRangeIsRefusedAndNothingIsAdded() {
    DeliveryLog log = new DeliveryLog();
    log.add(new Delivered(5, message(0), false, false, false));
    assertThatThrownBy(() -> log.add(new Delivered(-1, message(1), false, false, false)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> log.add(new Delivered(DeliveryLog.MAX_TIME_MS + 1, message(1), true, true, true)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> log.add(new Delivered(Long.MAX_VALUE, message(1), false, false, false)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(log).containsExactly(new Delivered(5, message(0), false, false, false));
    assertThatThrownBy(() -> log.get(1)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> log.get(-1)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Property(tries = 100)
  void logsSharingANumberingGiveBackEachInstanceAsAdded(@ForAll long seed) {
    // a run's peers deliver the same instances; an equivocator's twins are equal but other
    // instances, and must come back as themselves
    SplittableRandom r = new SplittableRandom(seed);
    DeliveryLog.Messages numbers = new DeliveryLog.Messages();
    List<DeliveryLog> logs = List.of(new DeliveryLog(numbers), new DeliveryLog(numbers));
    List<List<Delivered>> models = List.of(new ArrayList<>(), new ArrayList<>());
    List<ChatMessage> pool = new ArrayList<>();
    for (int i = 0; i < 1 + r.nextInt(300); i++) {
      pool.add(message(r.nextInt(50))); // equal messages made apart: twins
    }
    for (int i = 0; i < r.nextInt(3_000); i++) {
      int l = r.nextInt(2);
      Delivered d = new Delivered(i, pool.get(r.nextInt(pool.size())), false, l == 0, false);
      logs.get(l).add(d);
      models.get(l).add(d);
    }
    for (int l = 0; l < 2; l++) {
      assertThat(logs.get(l)).isEqualTo(models.get(l));
      for (int i = 0; i < models.get(l).size(); i++) {
        assertThat(logs.get(l).get(i).message()).isSameAs(models.get(l).get(i).message());
      }
    }
    assertThat(numbers.size()).isLessThanOrEqualTo(pool.size());
  }

  @Test
  void moreThan65536MessagesAreKeptWhole() {
    // numbers past a char's range widen the log's numbers to ints
    DeliveryLog log = new DeliveryLog();
    List<ChatMessage> added = new ArrayList<>();
    for (int i = 0; i < 70_000; i++) {
      ChatMessage m = message(i);
      added.add(m);
      log.add(new Delivered(i, m, false, false, false));
    }
    log.add(new Delivered(70_000, added.get(3), true, false, false)); // an early one again
    assertThat(log).hasSize(70_001);
    int i = 0;
    for (Delivered d : log) {
      assertThat(d.message()).isSameAs(added.get(i == 70_000 ? 3 : i));
      assertThat(d.timeMs()).isEqualTo(i);
      i++;
    }
    assertThat(log.get(65_536).message()).isSameAs(added.get(65_536));
  }
}
