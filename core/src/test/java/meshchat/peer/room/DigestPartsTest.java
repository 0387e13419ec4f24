package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import meshchat.peer.limit.Counters.Counter;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage.Digest;
import meshchat.peer.message.LinkMessage.DigestEntry;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.peer.store.memory.InMemoryMessageStore;
import meshchat.peer.sync.SeqRange;
import org.junit.jupiter.api.Test;

/**
 * (rev31 FINDING-7) A peer never sends a digest over the protocol's bounds, which every receiver
 * enforces at decode (10,000 entries, 65,536 seq ranges a frame): keys are free, so a room can hold
 * more origins than one frame may name, or one origin with more gaps. A complete digest too big for
 * one frame goes out as a complete frame and incremental ones after it; an origin too wide for one
 * frame is named a window at a time, a different window each time, so every range is named in turn.
 */
class DigestPartsTest {
  private static final int ENTRIES = AntiEntropy.FRAME_MAX_ENTRIES;
  private static final int RANGES = AntiEntropy.FRAME_MAX_RANGES;

  private static PeerId throwaway(int i) {
    return PeerId.of(ByteBuffer.allocate(8).putInt(0x7a7a7a7a).putInt(i).array());
  }

  private static void assertWithinBounds(Mesh mesh, PeerId from) {
    for (Mesh.Envelope e : mesh.sent) {
      if (e.from().equals(from) && e.message() instanceof Digest d) {
        long ranges = 0;
        for (DigestEntry entry : d.entries()) {
          ranges += AntiEntropy.rangesOf(entry.held());
        }
        assertThat(d.entries().size())
            .as("entries of one digest frame")
            .isLessThanOrEqualTo(ENTRIES);
        assertThat(ranges).as("ranges of one digest frame").isLessThanOrEqualTo(RANGES);
        assertThat(DigestFrames.frameBytes(d.entries()))
            .as("bytes of one digest frame, by the encoding's bound")
            .isLessThanOrEqualTo(DigestFrames.MAX_BYTES);
      }
    }
  }

  @Test
  void aRoomOfMoreOriginsThanOneFrameNamesSendsItsCompleteDigestInPartsAndTheNewcomerGetsAll() {
    Mesh mesh = new Mesh(RoomConfig.defaults(), "a", "b");
    InMemoryMessageStore store = new InMemoryMessageStore();
    int keys = ENTRIES + 1;
    Set<MessageId> lines = new HashSet<>();
    for (int i = 0; i < keys; i++) {
      ChatMessage m = Mesh.chat(throwaway(i), 1, i + 1);
      store.append(m);
      store.markShown(m.id());
      lines.add(m.id());
    }
    Mesh.Peer a = mesh.peer("a");
    a.restartOn(store);
    mesh.link("a", "b");
    mesh.run(60_000);

    assertWithinBounds(mesh, a.id);
    List<Digest> complete =
        mesh.sent.stream()
            .filter(e -> e.from().equals(a.id) && e.message() instanceof Digest)
            .map(e -> (Digest) e.message())
            .toList();
    assertThat(complete.get(0).complete()).isTrue();
    assertThat(complete.get(0).entries()).hasSize(ENTRIES);
    assertThat(complete.get(1).complete()).as("the rest, incremental").isFalse();
    assertThat(a.room.counters().get(Counter.DIGEST_PARTS)).isPositive();
    assertThat(Set.copyOf(mesh.peer("b").history()))
        .as("the newcomer got every line, the last part's too")
        .containsAll(lines);
  }

  @Test
  void anOriginWithMoreGapsThanOneFrameNamesIsNamedAWindowAtATimeUntilEveryRangeWasNamed() {
    Mesh mesh = new Mesh(RoomConfig.defaults(), "a", "b");
    InMemoryMessageStore store = new InMemoryMessageStore();
    PeerId wide = throwaway(-1);
    int gaps = RANGES + 1; // every other seq: one range each
    for (int i = 0; i < gaps; i++) {
      ChatMessage m = Mesh.chat(wide, 2L * i + 1, i + 1);
      store.append(m);
      store.markShown(m.id());
    }
    Mesh.Peer a = mesh.peer("a");
    a.restartOn(store);
    Set<SeqRange> named = new HashSet<>();
    // each complete digest names the next window: enough links for every range to be named
    int rounds = (gaps + AntiEntropy.WIDE_WINDOW - 1) / AntiEntropy.WIDE_WINDOW;
    for (int round = 0; round < rounds; round++) {
      mesh.link("a", "b");
      mesh.run(1_000);
      mesh.unlink("a", "b");
      mesh.run(1_000);
    }
    assertWithinBounds(mesh, a.id);
    for (Mesh.Envelope e : mesh.sent) {
      if (e.from().equals(a.id) && e.message() instanceof Digest d) {
        for (DigestEntry entry : d.entries()) {
          if (entry.origin().equals(wide)) {
            named.addAll(entry.held().ranges());
          }
        }
      }
    }
    assertThat(named).as("every range of the wide origin named in turn").hasSize(gaps);
    assertThat(a.room.counters().get(Counter.DIGEST_WIDE_ORIGINS)).isGreaterThanOrEqualTo(rounds);
  }

  @Test
  void anOriginWhoseGapsFitTheCountsButNotTheBytesIsWindowedAndTheNewcomerGetsTheRest() {
    // (rev32 FINDING-1) 50,000 ranges near seq 2^60: within 65,536, but 22 bytes each on the wire,
    // 1.1 MB in one frame, over the link's 1 MiB limit
    Mesh mesh = new Mesh(RoomConfig.defaults(), "a", "b");
    InMemoryMessageStore store = new InMemoryMessageStore();
    PeerId wide = throwaway(-2);
    for (int i = 0; i < 50_000; i++) {
      ChatMessage m = Mesh.chat(wide, (1L << 60) + 2L * i, i + 1);
      store.append(m);
      store.markShown(m.id());
    }
    ChatMessage line = Mesh.chat(throwaway(7), 1, 50_001);
    store.append(line);
    store.markShown(line.id());
    Mesh.Peer a = mesh.peer("a");
    a.restartOn(store);
    mesh.link("a", "b");
    mesh.run(3_000); // a round trip, and a few asks of the wide origin's window

    assertWithinBounds(mesh, a.id);
    assertThat(a.room.counters().get(Counter.DIGEST_WIDE_ORIGINS)).isPositive();
    assertThat(mesh.peer("b").history()).as("the newcomer got the other line").contains(line.id());
  }
}
