package meshchat.peer.store.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LamportTimestamp;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.peer.store.MessageStore;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Both memory stores find a timestamp's place in the canonical (Lamport, origin) order exactly as a
 * scan of a sorted list does: the search gallops out from where the last append put its message,
 * and these histories put what it looks for there, near it, and anywhere (a few authors far ahead
 * of the rest, as in the throughput cell, or all interleaved; a forked author's equal timestamps).
 */
class CanonicalOrderSearchTest {

  @Property(tries = 80)
  void predecessorsAndHistoryAreThoseOfASortedList(
      @ForAll long seed, @ForAll @IntRange(min = 0, max = 1_500) int messages) {
    Random random = new Random(seed);
    List<PeerId> authors = new ArrayList<>();
    for (int a = 0; a < 1 + random.nextInt(6); a++) {
      authors.add(PeerId.of(new byte[] {(byte) a, (byte) random.nextInt(256)}));
    }
    long[] seqs = new long[authors.size()];
    long[] clocks = new long[authors.size()];
    long spread = 1 + random.nextInt(3_000);
    List<ChatMessage> history = new ArrayList<>();
    for (int i = 0; i < messages; i++) {
      int a = random.nextInt(authors.size());
      // each author's clock runs its own pace; the lag between them is up to `spread`
      clocks[a] = Math.max(clocks[a] + 1, clocks[random.nextInt(authors.size())] - spread);
      history.add(
          new ChatMessage(
              new MessageId(authors.get(a), ++seqs[a]), clocks[a], 0, "n", "t", List.of()));
    }
    List<LamportTimestamp> sorted = new ArrayList<>();
    history.forEach(m -> sorted.add(m.timestamp()));
    sorted.sort(null);
    for (MessageStore store : List.of(new PackedMessageStore(), new InMemoryMessageStore())) {
      history.forEach(store::append);
      assertThat(store.history(Integer.MAX_VALUE).stream().map(ChatMessage::timestamp).toList())
          .isEqualTo(sorted);
      if (store instanceof InMemoryMessageStore memory) { // the view a finished simulation reads
        assertThat(memory.inOrderView()).isEqualTo(store.history(Integer.MAX_VALUE));
        assertThatThrownBy(() -> memory.inOrderView().clear())
            .isInstanceOf(UnsupportedOperationException.class);
      }
      for (int probe = 0; probe < 200 && !sorted.isEmpty(); probe++) {
        LamportTimestamp at = sorted.get(random.nextInt(sorted.size()));
        LamportTimestamp key =
            random.nextBoolean() ? at : new LamportTimestamp(at.time() + 1, at.origin());
        assertThat(store.predecessor(key).map(id -> store.get(id).orElseThrow().timestamp()))
            .as("predecessor of %s", key)
            .isEqualTo(scan(sorted, key));
      }
    }
  }

  @Property(tries = 80)
  void aPredecessorAskedRightAfterAnAppendIsThatOfASortedList(
      @ForAll long seed, @ForAll @IntRange(min = 1, max = 1_500) int messages) {
    Random random = new Random(seed);
    List<PeerId> authors = authors(random);
    int n = authors.size();
    long[] seqs = new long[n];
    long[] clocks = new long[n];
    long spread = 1 + random.nextInt(3_000);
    boolean forks = random.nextBoolean(); // then an author may reuse its time: equal timestamps
    List<MessageStore> stores = List.of(new PackedMessageStore(), new InMemoryMessageStore());
    List<LamportTimestamp> sorted = new ArrayList<>();
    for (int i = 0; i < messages; i++) {
      int a = random.nextInt(n);
      boolean same = forks && clocks[a] > 0 && random.nextInt(4) == 0;
      clocks[a] = same ? clocks[a] : Math.max(clocks[a] + 1, clocks[random.nextInt(n)] - spread);
      ChatMessage m =
          new ChatMessage(
              new MessageId(authors.get(a), ++seqs[a]), clocks[a], 0, "n", "t", List.of());
      sorted.add(m.timestamp());
      sorted.sort(null);
      LamportTimestamp other = sorted.get(random.nextInt(sorted.size()));
      for (MessageStore store : stores) {
        store.append(m);
        // as the room asks for a late message's predecessor once it stored it; then any other
        for (LamportTimestamp key : List.of(m.timestamp(), other)) {
          assertThat(store.predecessor(key).map(id -> store.get(id).orElseThrow().timestamp()))
              .as("predecessor of %s after %d appends", key, i + 1)
              .isEqualTo(scan(sorted, key));
        }
      }
    }
  }

  /**
   * The packed store names a late line's predecessor (and its latest ids) from the canonical order
   * alone, which holds each message's seq beside its time and author: the room asks for nearly
   * every line it shows early in the throughput cell, and reading the id from the arena was a cache
   * miss each (docs/benchmarks.md, session 28). Pinned by wiping the arena's bytes: the answers
   * stay those of a sorted list.
   */
  @Property(tries = 30)
  void aPackedStoreNamesPredecessorsWithoutReadingItsArena(
      @ForAll long seed, @ForAll @IntRange(min = 1, max = 3_000) int messages) throws Exception {
    Random random = new Random(seed);
    List<PeerId> authors = authors(random);
    int n = authors.size();
    long[] seqs = new long[n];
    long[] clocks = new long[n];
    PackedMessageStore store = new PackedMessageStore();
    List<ChatMessage> sorted = new ArrayList<>();
    for (int i = 0; i < messages; i++) {
      int a = random.nextInt(n);
      clocks[a] = Math.max(clocks[a] + 1, clocks[random.nextInt(n)] - 1 - random.nextInt(500));
      // now and then a seq far past the author's last (the log's sparse part)
      seqs[a] += random.nextInt(50) == 0 ? 1_000_000 : 1;
      ChatMessage m =
          new ChatMessage(
              new MessageId(authors.get(a), seqs[a]), clocks[a], 0, "n", "t", List.of());
      store.append(m);
      sorted.add(m);
    }
    sorted.sort(ChatMessage.CANONICAL);
    java.lang.reflect.Field field = PackedMessageStore.class.getDeclaredField("arena");
    field.setAccessible(true);
    java.lang.reflect.Field chunks = MessageArena.class.getDeclaredField("chunks");
    chunks.setAccessible(true);
    @SuppressWarnings("unchecked")
    List<byte[]> bytes = (List<byte[]>) chunks.get(field.get(store));
    bytes.forEach(b -> java.util.Arrays.fill(b, (byte) 0));
    for (int probe = 0; probe < 300; probe++) {
      int i = random.nextInt(sorted.size());
      LamportTimestamp at = sorted.get(i).timestamp();
      boolean past = random.nextBoolean();
      LamportTimestamp key = past ? new LamportTimestamp(at.time() + 1, at.origin()) : at;
      MessageId expected = null;
      for (ChatMessage m : sorted) {
        if (m.timestamp().compareTo(key) < 0) {
          expected = m.id();
        }
      }
      assertThat(store.predecessor(key))
          .as("predecessor of %s", key)
          .isEqualTo(Optional.ofNullable(expected));
    }
    List<MessageId> latest = new ArrayList<>();
    for (int i = sorted.size() - 1; i >= 0 && latest.size() < 5; i--) {
      latest.add(sorted.get(i).id());
    }
    assertThat(store.latest(5)).isEqualTo(latest);
  }

  private static Optional<LamportTimestamp> scan(
      List<LamportTimestamp> sorted, LamportTimestamp k) {
    LamportTimestamp before = null;
    for (LamportTimestamp t : sorted) {
      if (t.compareTo(k) < 0) {
        before = t;
      }
    }
    return Optional.ofNullable(before);
  }

  /**
   * One to six authors, each id made of its number and a random byte; in half the tries behind 8
   * equal bytes, so that ids share {@link PeerId#orderPrefix} and the packed store's ties are
   * decided by the whole ids (docs/benchmarks.md, session 30).
   */
  private static List<PeerId> authors(Random random) {
    int n = 1 + random.nextInt(6);
    boolean samePrefix = random.nextBoolean();
    List<PeerId> authors = new ArrayList<>();
    for (int a = 0; a < n; a++) {
      byte b = (byte) random.nextInt(256);
      authors.add(
          PeerId.of(
              samePrefix
                  ? new byte[] {7, 7, 7, 7, 7, 7, 7, 7, (byte) a, b}
                  : new byte[] {(byte) a, b}));
    }
    return authors;
  }
}
