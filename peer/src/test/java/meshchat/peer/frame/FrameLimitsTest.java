package meshchat.peer.frame;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import meshchat.peer.identity.RoomKey;
import meshchat.peer.limit.WireBounds;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.LinkMessage.PeerAddress;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.peer.sync.SeqRange;
import meshchat.wire.Framing;
import org.junit.jupiter.api.Test;

/**
 * (rev32) Every frame the room builds from quantities a peer controls stays within the link's 1 MiB
 * frame limit at its largest, not only within its counts: a digest did not (rev32 FINDING-1, {@code
 * DigestFramesCodecTest}). Each frame here is built at its count bound with every field at its
 * longest (64-byte ids, seqs at 2^62, 128-byte nicks, 255-byte hosts). History batches and proofs
 * are cut by bytes ({@code ChainedChunk}, 896 KiB by {@link ChatMessage#frameBytesBound}): sealed
 * in a private room, a message may be a few bytes over its bound, which the 128 KiB under the limit
 * covers for a whole batch ({@link #aPrivateRoomBatchCutByItsBoundStaysWithinTheFrameLimit}).
 */
class FrameLimitsTest {
  private static final int LIMIT = Framing.DEFAULT_MAX_FRAME_BYTES;

  private static PeerId id(int n) {
    byte[] b = new byte[PeerId.MAX_BYTES];
    Arrays.fill(b, (byte) 0x6b);
    b[0] = (byte) n;
    b[1] = (byte) (n >>> 8);
    return PeerId.of(b);
  }

  private static int size(LinkMessage m) {
    return LinkCodec.toFrame(m).getSerializedSize();
  }

  @Test
  void aSyncRequestOfTheMostWantsAtTheLongestFitsAFrame() {
    List<LinkMessage.Want> wants = new ArrayList<>();
    for (int i = 0; i < LinkCodec.MAX_WANTS; i++) {
      wants.add(
          new LinkMessage.Want(id(i), new SeqRange(WireBounds.MAX_SEQ - 1, WireBounds.MAX_SEQ)));
    }
    int bytes = size(new LinkMessage.SyncRequest(Long.MAX_VALUE, wants, Integer.MAX_VALUE));
    assertThat(bytes).isLessThan(LIMIT / 8);
  }

  @Test
  void anIHaveAGraftAndAPruneOfTheMostIdsAtTheLongestFitAFrame() {
    List<MessageId> ids = new ArrayList<>();
    List<PeerId> origins = new ArrayList<>();
    for (int i = 0; i < LinkCodec.MAX_IDS; i++) {
      ids.add(new MessageId(id(i), WireBounds.MAX_SEQ));
      origins.add(id(i));
    }
    assertThat(size(new LinkMessage.IHave(ids))).isLessThan(LIMIT / 32);
    assertThat(size(new LinkMessage.Graft(ids))).isLessThan(LIMIT / 32);
    assertThat(size(new LinkMessage.Prune(origins))).isLessThan(LIMIT / 32);
  }

  @Test
  void aPeerListAndAShuffleOfTheMostPeersAtTheLongestFitAFrame() {
    String nick = "\ud83d\ude00".repeat(WireBounds.MAX_NICK_BYTES / 4); // 128 bytes of UTF-8
    String host = "h".repeat(LinkCodec.MAX_HOST_BYTES);
    List<PeerAddress> peers = new ArrayList<>();
    for (int i = 0; i < LinkCodec.MAX_PEER_LIST; i++) {
      peers.add(new PeerAddress(id(i), nick, host, 65_535));
    }
    int list = size(new LinkMessage.PeerList(peers));
    assertThat(list).isLessThan(LIMIT / 2);
    int shuffle =
        size(new LinkMessage.Shuffle(255, peers.subList(0, MembershipFrames.MAX_SHUFFLE_PEERS)));
    assertThat(shuffle).isLessThan(LIMIT / 64);
  }

  @Test
  void aPrivateRoomBatchCutByItsBoundStaysWithinTheFrameLimit() {
    RoomKey key = RoomKey.derive("lobby", "s3cret".toCharArray());
    long budget = 896 * 1024; // ChainedChunk.MAX_BATCH_BYTES
    // the shortest messages at the longest ids and numbers: the most messages, and so the most
    // of the per-message difference between the bound and the sealed encoding, in one batch
    for (String text : List.of("", "x", "x".repeat(1_000), "x".repeat(WireBounds.MAX_TEXT_BYTES))) {
      List<ChatMessage> batch = new ArrayList<>();
      long bound = 0;
      for (int i = 0; batch.size() < WireBounds.MAX_BATCH_MESSAGES; i++) {
        ChatMessage m =
            new ChatMessage(
                new MessageId(id(i), WireBounds.MAX_SEQ - i),
                WireBounds.MAX_LAMPORT,
                WireBounds.MAX_WALL_TIME_MS,
                "n",
                text,
                List.of(),
                new byte[ChatMessage.HASH_BYTES],
                text.isEmpty() ? ChatMessage.Kind.NICK : ChatMessage.Kind.TEXT);
        if (bound + m.frameBytesBound() > budget) {
          break;
        }
        bound += m.frameBytesBound();
        batch.add(m);
      }
      int sealed =
          LinkCodec.toFrame(new LinkMessage.SyncBatch(Long.MAX_VALUE, batch, true, List.of()), key)
              .getSerializedSize();
      System.out.printf(
          "private batch: %d messages of %d-byte text, bound %d, sealed frame %d bytes%n",
          batch.size(), text.length(), bound, sealed);
      assertThat(sealed)
          .as("%d messages of %d bytes", batch.size(), text.length())
          .isLessThan(LIMIT);
    }
  }
}
