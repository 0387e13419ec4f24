package meshchat.peer.frame;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import meshchat.peer.limit.WireBounds;
import meshchat.peer.message.ChainHead;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage.SyncBatch;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import org.junit.jupiter.api.Test;

/**
 * {@link ChatMessage#frameBytesBound} and the head bound a sync answer counts (224 bytes, {@code
 * ChainedChunk.HEAD_BYTES_BOUND}) are never below what the message or head really adds to a
 * SyncBatch frame: answers are cut by them to stay within the frame limit, and a frame over it
 * closes the link on every retry.
 */
class FrameBytesBoundTest {
  private static final long HEAD_BYTES_BOUND = 224;

  private static PeerId id(int bytes, int fill) {
    byte[] b = new byte[bytes];
    Arrays.fill(b, (byte) fill);
    return PeerId.of(b);
  }

  private static long added(SyncBatch with) {
    SyncBatch without = new SyncBatch(with.requestId(), List.of(), with.done(), List.of());
    return LinkCodec.toFrame(with).getSerializedSize()
        - LinkCodec.toFrame(without).getSerializedSize();
  }

  @Test
  void aMessageAddsNoMoreThanItsBoundToABatchFrame() {
    List<String> texts = new ArrayList<>();
    for (int n : new int[] {0, 1, 100, 127, 128, 16_383, 16_384, 21_845}) {
      texts.add("x".repeat(n));
      texts.add("\u00e9".repeat(n)); // 2 bytes each
      texts.add("\u4e2d".repeat(n)); // 3 bytes each
      texts.add("\ud83d\ude00".repeat(n / 2)); // a surrogate pair: 4 bytes for 2 units
      texts.add("\ud800".repeat(n)); // unpaired surrogates
    }
    long[][] numbers = {
      {1, 1, 0}, {WireBounds.MAX_SEQ, WireBounds.MAX_LAMPORT, WireBounds.MAX_WALL_TIME_MS}
    };
    for (int idBytes : new int[] {1, 32, PeerId.MAX_BYTES}) {
      for (long[] n : numbers) {
        for (int deps : new int[] {0, 1, LinkCodec.MAX_DEPS}) {
          List<MessageId> ds = new ArrayList<>();
          for (int d = 0; d < deps; d++) {
            ds.add(new MessageId(id(idBytes, d + 2), n[0]));
          }
          for (String text : texts) {
            for (String nick : List.of("a", "\u4e2d".repeat(21))) {
              ChatMessage m =
                  new ChatMessage(
                      new MessageId(id(idBytes, 1), n[0]),
                      n[1],
                      n[2],
                      nick,
                      text,
                      ds,
                      new byte[32]);
              SyncBatch b = new SyncBatch(Long.MAX_VALUE, List.of(m), true, List.of());
              assertThat(added(b))
                  .as(
                      "ids of %d bytes, %d deps, text %.20s (%d units)",
                      idBytes, deps, text, text.length())
                  .isLessThanOrEqualTo(m.frameBytesBound());
            }
          }
        }
      }
    }
  }

  @Test
  void aHeadAddsNoMoreThanItsBoundToABatchFrame() {
    for (int idBytes : new int[] {1, 32, PeerId.MAX_BYTES}) {
      for (long seq : new long[] {1, WireBounds.MAX_SEQ}) {
        ChainHead h = new ChainHead(id(idBytes, 7), seq, new byte[32], new byte[64], new byte[32]);
        SyncBatch b = new SyncBatch(Long.MAX_VALUE, List.of(), true, List.of(h));
        assertThat(added(b)).isLessThanOrEqualTo(HEAD_BYTES_BOUND);
      }
    }
  }
}
