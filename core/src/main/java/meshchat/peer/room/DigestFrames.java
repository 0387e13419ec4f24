package meshchat.peer.room;

import java.util.ArrayList;
import java.util.List;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage.Digest;
import meshchat.peer.message.LinkMessage.DigestEntry;
import meshchat.peer.message.PeerId;
import meshchat.peer.sync.SeqRange;
import meshchat.peer.sync.SeqSet;

/**
 * How a digest is cut into frames that every receiver accepts and that the link can send: at most
 * {@link #MAX_ENTRIES} entries and {@link #MAX_RANGES} seq ranges a frame (the protocol's counts,
 * which a receiver enforces at decode), and at most {@link #MAX_BYTES} bytes by {@link
 * #frameBytes}, a bound on the frame's encoded size (docs/protocol.md, "Anti-entropy"). The counts
 * alone let a frame grow past the link's 1 MiB frame limit: a range of seqs near 2^60 is 22 bytes
 * on the wire, so 50,000 of them (a throwaway key's every-other-seq lines, kept as gaps) made a 1.1
 * MB complete digest, which the link layer dropped ({@code frame_not_sent}) on every new link, and
 * no newcomer ever learnt what the peer held (rev32 FINDING-1). Pure functions: no wire codec here,
 * only the Protobuf encoding's sizes, computed.
 */
final class DigestFrames {
  /** Most entries in one Digest frame: the protocol's bound (LinkCodec.MAX_DIGEST_ENTRIES). */
  static final int MAX_ENTRIES = 10_000;

  /**
   * Most seq ranges in one Digest frame, one per entry plus its {@code beyond} ranges: the
   * protocol's bound (LinkCodec.MAX_DIGEST_RANGES).
   */
  static final int MAX_RANGES = 65_536;

  /**
   * Most bytes of one Digest frame by {@link #frameBytes}: seven eighths of the link's 1 MiB frame
   * limit, as for history batches and equivocation proofs ({@link ChainedChunk#MAX_BATCH_BYTES}).
   */
  static final long MAX_BYTES = 896 * 1024;

  /**
   * A Digest frame's bytes besides its entries: the envelope's field tag and length (1 + at most 5)
   * and {@code complete} (2).
   */
  static final long FRAME_BYTES = 8;

  /**
   * The most bytes a tip adds to an entry: {@code tip_seq} (a tag and a 10-byte varint) and {@code
   * tip_hash} (a tag, a length and 32 bytes).
   */
  static final long TIP_BYTES_BOUND = 1 + 10 + 1 + 1 + 32;

  /**
   * Ranges named of an origin too wide for one frame ({@link #window}): at most {@code 8,192 * 24}
   * bytes (196,608) however high its seqs, and well within the receiver's 65,536 ranges kept per
   * link beside the other origins it lacks.
   */
  static final int WIDE_WINDOW = 8_192;

  private DigestFrames() {}

  /** Varint bytes by a number's leading zero bits: a lookup, no division (C1 divides slowly). */
  private static final byte[] VARINT_BYTES = new byte[65];

  static {
    for (int zeros = 0; zeros <= 64; zeros++) {
      VARINT_BYTES[zeros] = (byte) Math.max(1, (64 - zeros + 6) / 7);
    }
  }

  /** The bytes of {@code v} as a Protobuf varint: 1 to 10 (a negative number is 10). */
  static int varintBytes(long v) {
    return VARINT_BYTES[Long.numberOfLeadingZeros(v)];
  }

  /** The ranges an entry costs on the wire: one for its contiguous prefix, plus its beyond. */
  static long rangesOf(SeqSet held) {
    int n = held.rangeCount();
    return n > 0 && held.contiguous() > 0 ? n : 1L + n;
  }

  /**
   * {@link #entryBytes(PeerId, SeqSet, long, int)} of {@code e}: a tip is a seq and a 32-byte hash,
   * or neither (the record's rule), so the hash is not read ({@code tipHash()} copies it: under C1,
   * a peer's JIT, the copy took most of the time of cutting a complete digest).
   */
  static long entryBytes(DigestEntry e) {
    return entryBytes(
        e.origin(), e.held(), e.tipSeq(), e.tipSeq() == 0 ? 0 : ChatMessage.HASH_BYTES);
  }

  /**
   * A bound on the bytes a DigestEntry of {@code origin} naming {@code held} (and a tip of {@code
   * tipSeq} with a hash of {@code tipHashBytes}) adds to a Digest frame: the entry's field tag and
   * length, {@code origin} (tag, length, bytes), {@code contiguous} and the tip's two fields (tag
   * and value, counted even when zero or empty), and for each {@code beyond} range its tag, its
   * length and two tagged varints, each varint counted as long as the set's highest seq. Never
   * below the real encoding, and exact for an entry whose ranges are all as long as its highest
   * one: 22 bytes a range near 2^60, 8 a range below 2^14. O(1): no range is read.
   */
  static long entryBytes(PeerId origin, SeqSet held, long tipSeq, int tipHashBytes) {
    int n = held.rangeCount();
    long contiguous = held.contiguous();
    long beyond = contiguous > 0 ? n - 1 : n;
    long body =
        1L
            + varintBytes(origin.length())
            + origin.length()
            + 1
            + varintBytes(contiguous)
            + beyond * (4L + 2L * varintBytes(held.max()))
            + 1
            + varintBytes(tipSeq)
            + 1
            + varintBytes(tipHashBytes)
            + tipHashBytes;
    return 1 + varintBytes(body) + body;
  }

  /** A bound on the bytes of a Digest frame of {@code entries}, envelope included. */
  static long frameBytes(List<DigestEntry> entries) {
    long n = FRAME_BYTES;
    for (DigestEntry e : entries) {
      n += entryBytes(e);
    }
    return n;
  }

  /**
   * Whether {@code held} of {@code origin} is too wide for one frame, by the protocol's ranges or
   * by {@link #MAX_BYTES} with the longest tip: it is named a {@link #window} at a time.
   */
  static boolean tooWide(PeerId origin, SeqSet held) {
    return rangesOf(held) > MAX_RANGES
        || FRAME_BYTES + entryBytes(origin, held, 0, 0) + TIP_BYTES_BOUND > MAX_BYTES;
  }

  /**
   * Part of {@code held}, an origin too wide for one frame ({@link #tooWide}): {@link #WIDE_WINDOW}
   * of its ranges, from the {@code turn}th window on (turning windows name every range in turn). A
   * subset: we never name a seq we do not hold.
   */
  static SeqSet window(SeqSet held, long turn) {
    List<SeqRange> all = held.ranges();
    int n = all.size();
    int k = Math.min(WIDE_WINDOW, n);
    int start = n == 0 ? 0 : (int) Math.floorMod(turn * (long) WIDE_WINDOW, (long) n);
    SeqSet out = new SeqSet();
    for (int i = 0; i < k; i++) {
      SeqRange r = all.get((start + i) % n);
      out.addRange(r.first(), r.last());
    }
    return out;
  }

  /**
   * {@code entries} in as few Digest frames as the bounds allow, in order: a frame is closed before
   * an entry that would take it past {@link #MAX_ENTRIES}, {@link #MAX_RANGES} or {@link
   * #MAX_BYTES}. The first carries {@code complete}, the others are incremental. Always at least
   * one frame (a complete digest of nothing is one empty frame). Each entry must fit a frame alone
   * (one the room names went through {@link #tooWide}).
   */
  static List<Digest> parts(List<DigestEntry> entries, boolean complete) {
    List<Digest> out = new ArrayList<>(1);
    List<DigestEntry> part = new ArrayList<>(Math.min(entries.size(), MAX_ENTRIES));
    long ranges = 0;
    long bytes = FRAME_BYTES;
    for (DigestEntry e : entries) {
      long cost = rangesOf(e.held());
      long size = entryBytes(e);
      if (!part.isEmpty()
          && (part.size() == MAX_ENTRIES
              || ranges + cost > MAX_RANGES
              || bytes + size > MAX_BYTES)) {
        out.add(new Digest(part, complete && out.isEmpty()));
        part = new ArrayList<>();
        ranges = 0;
        bytes = FRAME_BYTES;
      }
      part.add(e);
      ranges += cost;
      bytes += size;
    }
    if (out.isEmpty() || !part.isEmpty()) {
      out.add(new Digest(part, complete && out.isEmpty()));
    }
    return out;
  }
}
