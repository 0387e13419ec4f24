package meshchat.peer.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import meshchat.peer.sync.SeqSet;
import org.junit.jupiter.api.Test;

/**
 * The records that hold byte arrays compare them by content, as dedupe and fork detection need: two
 * copies decoded from two links are equal, and one changed byte makes them differ.
 */
class ByteRecordEqualityTest {
  private static final PeerId ALICE = PeerId.fromHex("a1");
  private static final PeerId BOB = PeerId.fromHex("b0");

  private static byte[] bytes(int n, int first) {
    byte[] b = new byte[n];
    b[0] = (byte) first;
    return b;
  }

  @Test
  void twoCopiesOfAChatMessageAreEqualAndAChangedPrevByteIsNot() {
    ChatMessage m = message(bytes(32, 1), "hi");

    assertThat(message(bytes(32, 1), "hi")).isEqualTo(m).hasSameHashCodeAs(m);
    assertThat(message(bytes(32, 2), "hi")).isNotEqualTo(m);
    assertThat(message(bytes(32, 1), "ho")).isNotEqualTo(m);
    assertThat(m).isNotEqualTo(m.chained(new byte[0])).isNotEqualTo("hi");
  }

  @Test
  void aChainHeadIsItsHashAndSignatureNotTheKeyItCameWith() {
    ChainHead h = new ChainHead(ALICE, 3, bytes(32, 1), bytes(64, 1), bytes(32, 9));

    ChainHead sameWithoutKey = new ChainHead(ALICE, 3, bytes(32, 1), bytes(64, 1), new byte[0]);
    assertThat(sameWithoutKey).isEqualTo(h).hasSameHashCodeAs(h);
    assertThat(new ChainHead(ALICE, 3, bytes(32, 2), bytes(64, 1), bytes(32, 9))).isNotEqualTo(h);
    assertThat(new ChainHead(ALICE, 3, bytes(32, 1), bytes(64, 2), bytes(32, 9))).isNotEqualTo(h);
    assertThat(new ChainHead(ALICE, 4, bytes(32, 1), bytes(64, 1), bytes(32, 9))).isNotEqualTo(h);
    assertThat(new ChainHead(BOB, 3, bytes(32, 1), bytes(64, 1), bytes(32, 9))).isNotEqualTo(h);
  }

  @Test
  void linkMessagesWithBytesCompareThemByContent() {
    LinkMessage.Hello hello = new LinkMessage.Hello(1, ALICE, "alice", "lobby", 7000, 5);
    LinkMessage.Hello keyed = hello.withIdentity(bytes(32, 1), bytes(16, 1));
    assertThat(hello.withIdentity(bytes(32, 1), bytes(16, 1)))
        .isEqualTo(keyed)
        .hasSameHashCodeAs(keyed);
    assertThat(hello.withIdentity(bytes(32, 1), bytes(16, 2))).isNotEqualTo(keyed);
    assertThat(hello).isNotEqualTo(keyed);

    var proof = new LinkMessage.HelloProof(bytes(64, 1), new byte[0]);
    assertThat(new LinkMessage.HelloProof(bytes(64, 1), new byte[0]))
        .isEqualTo(proof)
        .hasSameHashCodeAs(proof);
    assertThat(new LinkMessage.HelloProof(bytes(64, 1), bytes(32, 1))).isNotEqualTo(proof);

    var entry = new LinkMessage.DigestEntry(ALICE, SeqSet.of(3, List.of()), 3, bytes(32, 1));
    assertThat(new LinkMessage.DigestEntry(ALICE, SeqSet.of(3, List.of()), 3, bytes(32, 1)))
        .isEqualTo(entry)
        .hasSameHashCodeAs(entry);
    assertThat(new LinkMessage.DigestEntry(ALICE, SeqSet.of(3, List.of()), 3, bytes(32, 2)))
        .isNotEqualTo(entry);
    assertThat(new LinkMessage.DigestEntry(ALICE, SeqSet.of(2, List.of()), 3, bytes(32, 1)))
        .isNotEqualTo(entry);

    var pake = new LinkMessage.RoomPake(1, bytes(8, 1));
    assertThat(new LinkMessage.RoomPake(1, bytes(8, 1))).isEqualTo(pake).hasSameHashCodeAs(pake);
    assertThat(new LinkMessage.RoomPake(2, bytes(8, 1))).isNotEqualTo(pake);
    assertThat(new LinkMessage.RoomPake(1, bytes(8, 2))).isNotEqualTo(pake);
  }

  private static ChatMessage message(byte[] prev, String text) {
    return new ChatMessage(new MessageId(ALICE, 2), 7, 1000, "alice", text, List.of(), prev);
  }
}
