package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import meshchat.peer.limit.Counters.Counter;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.PeerId;
import meshchat.peer.store.memory.InMemoryMessageStore;
import org.junit.jupiter.api.Test;

/**
 * (rev32) An origin with more gaps than one digest frame may name is named by a window of 8,192 of
 * its ranges, "a different window each time it names that origin, so every range is named in turn"
 * and "a peer lacking some finds them in the end". But an origin is named again on a link only when
 * it changes (periodic digests carry changes only): on a link that stays up, a wide origin that
 * stopped growing is named once, its first window, and the peer on the other end never learns of
 * the rest. DigestPartsTest moves the window by linking again and again.
 */
class WideOriginStableLinkTest {
  @Test
  void aPeerLackingAWideOriginGetsAllOfItOverOneLinkThatStaysUp() {
    Mesh mesh = new Mesh(RoomConfig.defaults(), "a", "b");
    InMemoryMessageStore store = new InMemoryMessageStore();
    InMemoryMessageStore storeB = new InMemoryMessageStore();
    PeerId wide = PeerId.of(ByteBuffer.allocate(8).putInt(0x7c7c7c7c).putInt(-1).array());
    int gaps = AntiEntropy.FRAME_MAX_RANGES + 1; // every other seq: one range each
    for (int i = 0; i < gaps; i++) {
      ChatMessage m = Mesh.chat(wide, 2L * i + 1, i + 1);
      store.append(m);
      store.markShown(m.id());
      // b holds the seqs between, so it can take each of a's lines at once (no hold-back)
      ChatMessage between = Mesh.chat(wide, 2L * i + 2, i + 1);
      storeB.append(between);
      storeB.markShown(between.id());
    }
    mesh.peer("a").restartOn(store);
    mesh.peer("b").restartOn(storeB);
    mesh.link("a", "b");
    mesh.run(120_000);
    long held =
        mesh.peer("b").history().stream()
            .filter(id -> id.origin().equals(wide) && id.seq() % 2 == 1)
            .count();
    System.out.printf(
        "b holds %d of the wide origin's %d lines a held after 2 minutes linked; a named it %d times%n",
        held, gaps, mesh.peer("a").room.counters().get(Counter.DIGEST_WIDE_ORIGINS));
    // (30 minutes without b's lines between measured the same: 8,192, named once)
    assertThat(held)
        .as("lines of the wide origin b holds after 2 minutes linked to a: more than one window")
        .isGreaterThan(AntiEntropy.WIDE_WINDOW);
  }
}
