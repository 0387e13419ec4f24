package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage.PeerAddress;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * docs/security.md: lines passed early that wait for a dependency are at most {@link
 * WaitingEarly#MAX} in all, and no link holds more than its share, whatever the links send and
 * however many links come and go.
 */
class WaitingEarlyTest {
  private static LinkState link(int i) {
    PeerId id = PeerId.of(new byte[] {(byte) (i >> 8), (byte) i, 7});
    return new LinkState(new PeerAddress(id, "p" + i, "127.0.0.1", 1), null, null, null);
  }

  private static ChatMessage line(PeerId origin, long seq) {
    return new ChatMessage(new MessageId(origin, seq), seq, 0, "x", "t", List.of());
  }

  @Property(tries = 200)
  void atMostMaxInAllAndAtMostAShareALink(
      @ForAll @IntRange(min = 1, max = 100) int linkCount,
      @ForAll @Size(max = 2_000) List<@IntRange(min = 0, max = 99) Integer> senders) {
    List<LinkState> links = new ArrayList<>();
    for (int i = 0; i < linkCount; i++) {
      links.add(link(i));
    }
    WaitingEarly w = new WaitingEarly();
    MessageId lacks = new MessageId(PeerId.of(new byte[] {9}), 1);
    long seq = 1;
    for (int s : senders) {
      LinkState l = links.get(s % linkCount);
      w.add(line(l.id(), ++seq), lacks, l, linkCount);
      assertThat(w.size()).isLessThanOrEqualTo(WaitingEarly.MAX);
    }
    int share = Math.max(1, WaitingEarly.MAX / linkCount);
    int sum = 0;
    for (LinkState l : links) {
      assertThat(w.of(l.id())).isLessThanOrEqualTo(share);
      sum += w.of(l.id());
    }
    assertThat(sum).isEqualTo(w.size());
  }

  @Property(tries = 50)
  void aFloodingLinkLeavesTheOthersTheirLines(@ForAll @IntRange(min = 2, max = 64) int linkCount) {
    List<LinkState> links = new ArrayList<>();
    for (int i = 0; i < linkCount; i++) {
      links.add(link(i));
    }
    WaitingEarly w = new WaitingEarly();
    MessageId lacks = new MessageId(PeerId.of(new byte[] {9}), 1);
    int share = Math.max(1, WaitingEarly.MAX / linkCount);
    long seq = 1;
    for (int i = 1; i < linkCount; i++) { // every other link has its share waiting
      for (int k = 0; k < share; k++) {
        w.add(line(links.get(i).id(), ++seq), lacks, links.get(i), linkCount);
      }
    }
    for (int k = 0; k < 10_000; k++) { // link 0 floods
      w.add(line(links.get(0).id(), ++seq), lacks, links.get(0), linkCount);
    }
    for (int i = 1; i < linkCount; i++) {
      assertThat(w.of(links.get(i).id())).isEqualTo(share);
    }
    assertThat(w.of(links.get(0).id())).isEqualTo(share);
  }

  @Test
  void aShownDependencyWakesTheRetryAndNothingElseDoes() {
    LinkState l = link(1);
    WaitingEarly w = new WaitingEarly();
    MessageId lacks = new MessageId(PeerId.of(new byte[] {9}), 1);
    w.add(line(l.id(), 2), lacks, l, 1);
    w.shown(new MessageId(PeerId.of(new byte[] {9}), 2));
    assertThat(w.wakes()).as("another message").isFalse();
    w.shown(lacks);
    assertThat(w.wakes()).isTrue();
    w.takeWake();
    assertThat(w.wakes()).isFalse();
  }

  /**
   * A link whose lines each name a fresh dependency that never comes, each line then signed by a
   * head (so it leaves without a wake), keeps no more than a bound of those ids: they piled up
   * forever before (review, session 23).
   */
  @Test
  void idsOfLinesThatLeftWithoutAWakeDoNotPileUp() {
    LinkState l = link(1);
    WaitingEarly w = new WaitingEarly();
    for (long seq = 1; seq <= 100_000; seq++) {
      w.add(line(l.id(), seq), new MessageId(PeerId.of(new byte[] {9}), seq), l, 1);
      w.signed(l.id(), seq);
      assertThat(w.awaitedCount()).isLessThanOrEqualTo(WaitingEarly.AWAITED_MAX);
    }
    for (long seq = 1; seq <= 100_000; seq++) { // and while lines stay: bounded, and a retry is due
      w.add(line(l.id(), seq), new MessageId(PeerId.of(new byte[] {8}), seq), l, 1);
      assertThat(w.awaitedCount()).isLessThanOrEqualTo(WaitingEarly.AWAITED_MAX);
    }
    assertThat(w.wakes()).as("the next round names again what the lines wait for").isTrue();
    w.linkDown(l.id());
    assertThat(w.awaitedCount()).isZero();
  }
}
