package meshchat.peer.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import meshchat.peer.limit.WireBounds;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import org.junit.jupiter.api.Test;

class DepsCodecTest {
  @Test
  void theEncodingIsLengthOriginSeqPerDependency() {
    PeerId a = PeerId.of(new byte[] {(byte) 0xAB, 0x01});
    byte[] blob = DepsCodec.encode(List.of(new MessageId(a, 300), new MessageId(a, 1)));
    assertThat(HexFormat.of().formatHex(blob)).isEqualTo("02ab01ac02" + "02ab0101");
  }

  @Test
  void anyDepsComeBackAsEncodedIdsOfEveryLengthAndSeq() {
    SplittableRandom random = new SplittableRandom(14);
    for (int round = 0; round < 1_000; round++) {
      List<MessageId> deps = new ArrayList<>();
      for (int k = random.nextInt(5); k > 0; k--) {
        byte[] origin = new byte[1 + random.nextInt(PeerId.MAX_BYTES)];
        random.nextBytes(origin);
        long seq =
            random.nextBoolean()
                ? 1 + random.nextInt(200)
                : 1 + random.nextLong(WireBounds.MAX_SEQ);
        deps.add(new MessageId(PeerId.of(origin), seq));
      }
      assertThat(DepsCodec.decode(DepsCodec.encode(deps))).isEqualTo(deps);
    }
  }

  @Test
  void aTruncatedBlobIsRefused() {
    byte[] blob = DepsCodec.encode(List.of(new MessageId(PeerId.of(new byte[] {7}), 1 << 20)));
    assertThatThrownBy(() -> DepsCodec.decode(java.util.Arrays.copyOf(blob, blob.length - 1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
