package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import meshchat.fixture.sync.DigestHoldings;
import meshchat.fixture.sync.DigestHoldings.Held;
import meshchat.peer.limit.WireBounds;
import meshchat.peer.message.LinkMessage.Digest;
import meshchat.peer.message.LinkMessage.DigestEntry;
import meshchat.peer.message.PeerId;
import meshchat.peer.sync.SeqRange;
import meshchat.peer.sync.SeqSet;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * (rev32 FINDING-1) Any digest the room names, for any holdings ({@link DigestHoldings}: seqs from
 * 1 to 2^62, ids of 1 to 64 bytes, up to 12,000 origins, origins with up to 70,000 gaps), goes out
 * in parts that each keep within the protocol's counts and within {@link DigestFrames#MAX_BYTES} by
 * {@link DigestFrames#frameBytes}, and that together name exactly what the room holds (an origin
 * too wide for a frame: a window of it, every range in turn). The peer module checks the byte bound
 * against the real codec ({@code DigestFramesCodecTest}); the room's own use of these rules is
 * pinned by {@code DigestPartsTest}.
 */
class DigestFramesTest {
  /**
   * The entries the room names of {@code holdings} ({@code AntiEntropy.entry}): an origin too wide
   * for a frame as a window of it, the {@code turn}th; a tip with a 32-byte hash where it has one.
   */
  static List<DigestEntry> named(List<Held> holdings, long turn) {
    List<DigestEntry> out = new ArrayList<>(holdings.size());
    for (Held h : holdings) {
      SeqSet s =
          DigestFrames.tooWide(h.origin(), h.held())
              ? DigestFrames.window(h.held(), turn)
              : h.held();
      out.add(
          h.tipSeq() == 0
              ? new DigestEntry(h.origin(), s)
              : new DigestEntry(h.origin(), s, h.tipSeq(), new byte[32]));
    }
    return out;
  }

  @Provide
  Arbitrary<List<Held>> anyHoldings() {
    return DigestHoldings.holdings();
  }

  @Property(tries = 60)
  void everyPartKeepsWithinTheCountsAndTheBytesAndThePartsNameExactlyTheHoldings(
      @ForAll("anyHoldings") List<Held> holdings, @ForAll boolean complete) {
    List<DigestEntry> entries = named(holdings, 0);
    List<Digest> parts = DigestFrames.parts(entries, complete);

    assertThat(parts).isNotEmpty();
    List<DigestEntry> all = new ArrayList<>();
    for (int i = 0; i < parts.size(); i++) {
      Digest d = parts.get(i);
      assertThat(d.complete()).as("only the first part is complete").isEqualTo(complete && i == 0);
      assertThat(d.entries().size()).isLessThanOrEqualTo(DigestFrames.MAX_ENTRIES);
      long ranges = d.entries().stream().mapToLong(e -> DigestFrames.rangesOf(e.held())).sum();
      assertThat(ranges).isLessThanOrEqualTo(DigestFrames.MAX_RANGES);
      assertThat(DigestFrames.frameBytes(d.entries())).isLessThanOrEqualTo(DigestFrames.MAX_BYTES);
      if (parts.size() > 1) {
        assertThat(d.entries()).as("no empty part beside others").isNotEmpty();
      }
      if (i + 1 < parts.size()) {
        // cut only where the next entry would not fit: an honest room is not split needlessly
        DigestEntry next = parts.get(i + 1).entries().get(0);
        boolean full =
            d.entries().size() == DigestFrames.MAX_ENTRIES
                || ranges + DigestFrames.rangesOf(next.held()) > DigestFrames.MAX_RANGES
                || DigestFrames.frameBytes(d.entries()) + DigestFrames.entryBytes(next)
                    > DigestFrames.MAX_BYTES;
        assertThat(full).as("part %d was cut before an entry that fits", i).isTrue();
      }
      all.addAll(d.entries());
    }
    assertThat(all).as("the parts in order are the entries").isEqualTo(entries);

    // each origin once, named whole, or (too wide for a frame) a window of it
    Set<PeerId> origins = new HashSet<>();
    for (int i = 0; i < holdings.size(); i++) {
      Held h = holdings.get(i);
      DigestEntry e = all.get(i);
      assertThat(origins.add(e.origin())).isTrue();
      assertThat(e.origin()).isEqualTo(h.origin());
      if (DigestFrames.tooWide(h.origin(), h.held())) {
        assertThat(h.held().containsAll(e.held())).as("a window names only what is held").isTrue();
        assertThat(e.held().rangeCount())
            .isEqualTo(Math.min(DigestFrames.WIDE_WINDOW, h.held().rangeCount()));
      } else {
        assertThat(e.held()).isEqualTo(h.held());
      }
    }
  }

  @Property(tries = 20)
  void anOriginTooWideForAFrameHasEveryRangeNamedInTurn(
      @ForAll("anyHoldings") List<Held> holdings) {
    for (Held h : holdings) {
      if (!DigestFrames.tooWide(h.origin(), h.held())) {
        continue;
      }
      List<SeqRange> ranges = h.held().ranges();
      int turns = (ranges.size() + DigestFrames.WIDE_WINDOW - 1) / DigestFrames.WIDE_WINDOW;
      Set<SeqRange> named = new HashSet<>();
      for (int t = 0; t < turns; t++) {
        SeqSet w = DigestFrames.window(h.held(), t);
        assertThat(DigestFrames.tooWide(h.origin(), w)).as("a window fits a frame").isFalse();
        named.addAll(w.ranges());
      }
      assertThat(named).containsExactlyInAnyOrderElementsOf(ranges);
    }
  }

  @Test
  void fiftyThousandGapsNearTwoToTheSixtyFitTheCountsButNotTheBytesAndAreWindowed() {
    // the finding's origin: 22 bytes a range, 1.1 MB in all, 50,000 ranges within 65,536
    SeqSet s = new SeqSet();
    for (int i = 0; i < 50_000; i++) {
      s.add((1L << 60) + 2L * i);
    }
    PeerId origin = DigestHoldings.id(16, 1);
    assertThat(DigestFrames.rangesOf(s)).isLessThanOrEqualTo(DigestFrames.MAX_RANGES);
    assertThat(DigestFrames.entryBytes(origin, s, 0, 0)).isGreaterThan(1_000_000);
    assertThat(DigestFrames.tooWide(origin, s)).isTrue();
    List<Digest> parts = DigestFrames.parts(named(List.of(new Held(origin, s, s.max())), 0), true);
    assertThat(parts).hasSize(1);
    assertThat(DigestFrames.frameBytes(parts.get(0).entries()))
        .isLessThanOrEqualTo(DigestFrames.MAX_BYTES);
  }

  @Test
  void tenThousandOriginsOfSixtyFourByteIdsAndHighTipsGoInTwoPartsByBytes() {
    // within the protocol's 10,000 entries, but 10,000 * 122 bytes is over 896 KiB
    List<Held> hs = new ArrayList<>();
    for (int i = 0; i < DigestFrames.MAX_ENTRIES; i++) {
      SeqSet s = new SeqSet();
      s.addRange(1, WireBounds.MAX_SEQ);
      hs.add(new Held(DigestHoldings.id(PeerId.MAX_BYTES, i), s, WireBounds.MAX_SEQ));
    }
    List<Digest> parts = DigestFrames.parts(named(hs, 0), true);
    assertThat(parts).hasSize(2);
    assertThat(parts.get(0).complete()).isTrue();
    assertThat(parts.get(1).complete()).isFalse();
  }

  @Test
  void varintsAreOneToTenBytes() {
    assertThat(DigestFrames.varintBytes(0)).isEqualTo(1);
    assertThat(DigestFrames.varintBytes(127)).isEqualTo(1);
    assertThat(DigestFrames.varintBytes(128)).isEqualTo(2);
    assertThat(DigestFrames.varintBytes(1L << 60)).isEqualTo(9);
    assertThat(DigestFrames.varintBytes(WireBounds.MAX_SEQ)).isEqualTo(9);
    assertThat(DigestFrames.varintBytes(Long.MAX_VALUE)).isEqualTo(9);
    assertThat(DigestFrames.varintBytes(-1)).isEqualTo(10);
  }
}
