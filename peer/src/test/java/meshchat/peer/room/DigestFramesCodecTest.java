package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import meshchat.fixture.sync.DigestHoldings;
import meshchat.fixture.sync.DigestHoldings.Held;
import meshchat.peer.frame.LinkCodec;
import meshchat.peer.limit.WireBounds;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.LinkMessage.Digest;
import meshchat.peer.message.LinkMessage.DigestEntry;
import meshchat.peer.message.PeerId;
import meshchat.peer.sync.SeqSet;
import meshchat.proto.v1.LinkFrame;
import meshchat.wire.Framing;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * (rev32 FINDING-1) Every part of any digest the room names ({@link DigestHoldings}: seqs from 1 to
 * 2^62, ids of 1 to 64 bytes, up to 12,000 origins, origins with up to 70,000 gaps) encodes,
 * through the real codec, to no more than the core's bound ({@link DigestFrames#frameBytes}, each
 * entry to no more than {@link DigestFrames#entryBytes}), so within the link's 1 MiB frame limit
 * with 128 KiB to spare, and decodes at the receiver (within the protocol's counts) as it was sent.
 * The core cuts digests by that bound: were it ever below the encoding, a frame over the limit
 * would be dropped ({@code frame_not_sent}) at every link-up.
 */
class DigestFramesCodecTest {
  /** The entries the room names ({@code AntiEntropy.entry}): too wide for a frame, a window. */
  private static List<DigestEntry> named(List<Held> holdings, long turn) {
    List<DigestEntry> out = new ArrayList<>(holdings.size());
    for (Held h : holdings) {
      SeqSet s = h.held();
      if (DigestFrames.tooWide(h.origin(), s)) {
        s = DigestFrames.window(s, turn);
      }
      out.add(
          h.tipSeq() == 0
              ? new DigestEntry(h.origin(), s)
              : new DigestEntry(h.origin(), s, h.tipSeq(), new byte[32]));
    }
    return out;
  }

  /**
   * The bytes of {@code d}'s Digest message, inside the envelope: what its entries add to it (the
   * envelope's tag and length, which grows with them, are the core's {@link
   * DigestFrames#FRAME_BYTES}).
   */
  private static long digestBytes(Digest d) {
    return LinkCodec.toFrame(d).getDigest().getSerializedSize();
  }

  @Provide
  Arbitrary<List<Held>> anyHoldings() {
    return DigestHoldings.holdings();
  }

  @Property(tries = 30)
  void everyPartEncodesWithinTheCoreBoundAndTheFrameLimitAndDecodesAsSent(
      @ForAll("anyHoldings") List<Held> holdings, @ForAll boolean complete) throws Exception {
    List<Digest> parts = DigestFrames.parts(named(holdings, 0), complete);
    for (Digest d : parts) {
      byte[] wire = LinkCodec.toFrame(d).toByteArray();
      assertThat((long) wire.length)
          .as("a part's encoding against the core's bound")
          .isLessThanOrEqualTo(DigestFrames.frameBytes(d.entries()));
      assertThat((long) wire.length)
          .isLessThanOrEqualTo(DigestFrames.MAX_BYTES)
          .isLessThan(Framing.DEFAULT_MAX_FRAME_BYTES);
      LinkMessage back = LinkCodec.fromFrame(LinkFrame.parseFrom(wire));
      assertThat(back).as("the receiver takes the part as sent").isEqualTo(d);
    }
  }

  @Property(tries = 30)
  void eachEntryAddsNoMoreThanItsBoundToADigest(@ForAll("anyHoldings") List<Held> holdings) {
    List<DigestEntry> entries = named(holdings, 0);
    long empty = digestBytes(new Digest(List.of(), true));
    // the first 200 entries and every one named of a drawn set (the last ones)
    List<DigestEntry> sample = new ArrayList<>(entries.subList(0, Math.min(200, entries.size())));
    sample.addAll(entries.subList(Math.max(sample.size(), entries.size() - 3), entries.size()));
    for (DigestEntry e : sample) {
      long added = digestBytes(new Digest(List.of(e), true)) - empty;
      assertThat(added).as("%s", e.origin()).isLessThanOrEqualTo(DigestFrames.entryBytes(e));
    }
  }

  @Test
  void anEntryAtEveryExtremeAddsNoMoreThanItsBound() {
    long[] seqs = {1, 2, 127, 128, 16_383, 16_384, 1L << 60, WireBounds.MAX_SEQ - 2};
    long empty = digestBytes(new Digest(List.of(), false));
    for (int idBytes : new int[] {1, 16, 32, PeerId.MAX_BYTES}) {
      byte[] b = new byte[idBytes];
      PeerId origin = PeerId.of(b);
      for (long contiguous : new long[] {0, 1, 300, WireBounds.MAX_SEQ - 4}) {
        for (long at : seqs) {
          SeqSet s = new SeqSet();
          if (contiguous > 0) {
            s.addRange(1, contiguous);
          }
          if (at > contiguous + 1) {
            s.add(at);
          }
          s.add(WireBounds.MAX_SEQ);
          for (long tip : new long[] {0, 1, WireBounds.MAX_SEQ}) {
            DigestEntry e =
                tip == 0
                    ? new DigestEntry(origin, s)
                    : new DigestEntry(origin, s, tip, new byte[32]);
            long added = digestBytes(new Digest(List.of(e), false)) - empty;
            assertThat(added).as("%s", e).isLessThanOrEqualTo(DigestFrames.entryBytes(e));
          }
        }
      }
    }
  }
}
