package meshchat.testkit.fuzz;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A seeded generator of hostile byte streams, in the spirit of AFL's havoc stage: it starts from
 * valid encoded frames of every message type and mutates them (bit flips, truncation, splices,
 * inflated varint lengths, deep nesting, huge repeated fields, invalid UTF-8, bad length prefixes),
 * then cuts the stream into chunks delivered one read at a time. Same seed, same inputs.
 */
public final class FrameMutator {
  private final SplittableRandom random;
  private final List<byte[]> seeds;
  private final int maxFrameBytes;

  /**
   * @param seeds valid frame bodies (no length prefix), one or more per message type
   * @param maxFrameBytes the receiver's frame limit: mutations aim at both sides of it
   */
  public FrameMutator(long seed, List<byte[]> seeds, int maxFrameBytes) {
    this.random = new SplittableRandom(seed);
    this.seeds = List.copyOf(seeds);
    this.maxFrameBytes = maxFrameBytes;
  }

  /** One input: the chunks of a byte stream, to be written in order. */
  public List<byte[]> next() {
    ByteArrayOutputStream stream = new ByteArrayOutputStream();
    int frames = 1 + (random.nextInt(4) == 0 ? random.nextInt(6) : 0);
    for (int i = 0; i < frames; i++) {
      byte[] body = mutate(seed());
      writeFrame(stream, body);
    }
    return chunks(stream.toByteArray());
  }

  private byte[] seed() {
    return seeds.get(random.nextInt(seeds.size()));
  }

  /** Zero to three stacked mutations of {@code body}. */
  byte[] mutate(byte[] body) {
    int rounds = random.nextInt(4);
    for (int i = 0; i < rounds; i++) {
      body = mutateOnce(body);
    }
    return body;
  }

  private byte[] mutateOnce(byte[] b) {
    switch (random.nextInt(11)) {
      case 0:
        return randomBytes(random.nextInt(64));
      case 1:
        return flipBits(b);
      case 2:
        return b.length == 0 ? b : Arrays.copyOf(b, random.nextInt(b.length));
      case 3:
        return splice(b, seed());
      case 4:
        return insert(b, inflatedVarint());
      case 5:
        return deepNesting();
      case 6:
        return repeat(b);
      case 7:
        return invalidUtf8(b);
      case 8:
        return setByte(b, (byte) random.nextInt(256));
      case 9:
        return insert(b, randomBytes(1 + random.nextInt(8)));
      default:
        return insert(
            b, fieldWithLength(1 + random.nextInt(30), random.nextInt(Integer.MAX_VALUE)));
    }
  }

  private byte[] flipBits(byte[] b) {
    if (b.length == 0) {
      return b;
    }
    byte[] c = b.clone();
    int n = 1 + random.nextInt(8);
    for (int i = 0; i < n; i++) {
      int bit = random.nextInt(c.length * 8);
      c[bit / 8] ^= (byte) (1 << (bit % 8));
    }
    return c;
  }

  private byte[] splice(byte[] a, byte[] b) {
    int cutA = a.length == 0 ? 0 : random.nextInt(a.length + 1);
    int cutB = b.length == 0 ? 0 : random.nextInt(b.length + 1);
    byte[] c = new byte[cutA + b.length - cutB];
    System.arraycopy(a, 0, c, 0, cutA);
    System.arraycopy(b, cutB, c, cutA, b.length - cutB);
    return c;
  }

  private byte[] insert(byte[] b, byte[] what) {
    int at = random.nextInt(b.length + 1);
    byte[] c = new byte[b.length + what.length];
    System.arraycopy(b, 0, c, 0, at);
    System.arraycopy(what, 0, c, at, what.length);
    System.arraycopy(b, at, c, at + what.length, b.length - at);
    return c;
  }

  private byte[] setByte(byte[] b, byte v) {
    if (b.length == 0) {
      return new byte[] {v};
    }
    byte[] c = b.clone();
    c[random.nextInt(c.length)] = v;
    return c;
  }

  /** A varint claiming a length far beyond what follows: 2^28 - 1, 2^31 - 1, or ten bytes. */
  private byte[] inflatedVarint() {
    return switch (random.nextInt(3)) {
      case 0 -> new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f};
      case 1 -> new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07};
      default -> {
        byte[] v = new byte[10];
        Arrays.fill(v, (byte) 0xff);
        v[9] = 0x01;
        yield v;
      }
    };
  }

  /** A tag of wire type 2 (length-delimited) for {@code field}, then {@code length} as varint. */
  private static byte[] fieldWithLength(int field, int length) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    writeVarint(o, (field << 3) | 2);
    writeVarint(o, length);
    return o.toByteArray();
  }

  /**
   * Nesting far beyond Protobuf's recursion limit of 100: start-group tags (wire type 3) of an
   * unknown field, or length-delimited submessages of a known one.
   */
  private byte[] deepNesting() {
    int depth = 50 + random.nextInt(5_000);
    if (random.nextBoolean()) {
      byte[] b = new byte[depth];
      Arrays.fill(b, (byte) ((15 << 3) | 3)); // field 15, start group
      return b;
    }
    // LinkFrame.chat (2) -> ChatMessage.deps (7) -> MessageId ... as length-delimited nesting
    byte[] inner = new byte[0];
    for (int i = 0; i < Math.min(depth, 400); i++) {
      byte[] tag = fieldWithLength(random.nextBoolean() ? 2 : 7, inner.length);
      byte[] next = new byte[tag.length + inner.length];
      System.arraycopy(tag, 0, next, 0, tag.length);
      System.arraycopy(inner, 0, next, tag.length, inner.length);
      inner = next;
    }
    return inner;
  }

  /**
   * The body repeated: Protobuf merges a message concatenated with itself, so every repeated field
   * in it grows k-fold: huge digests, want lists, peer lists, batches, deps.
   */
  private byte[] repeat(byte[] b) {
    if (b.length == 0) {
      return b;
    }
    int target = random.nextInt(16) == 0 ? maxFrameBytes : 1 + random.nextInt(maxFrameBytes / 8);
    int k = Math.max(1, Math.min(target / b.length, 200_000));
    byte[] c = new byte[b.length * k];
    for (int i = 0; i < k; i++) {
      System.arraycopy(b, 0, c, i * b.length, b.length);
    }
    return c;
  }

  /** Bytes that are never valid UTF-8 (overlong, surrogate, 0xff) over a random position. */
  private byte[] invalidUtf8(byte[] b) {
    byte[][] bad = {
      {(byte) 0xc0, (byte) 0x80}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, {(byte) 0xff}
    };
    byte[] what = bad[random.nextInt(bad.length)];
    if (b.length < what.length) {
      return what.clone();
    }
    byte[] c = b.clone();
    System.arraycopy(what, 0, c, random.nextInt(c.length - what.length + 1), what.length);
    return c;
  }

  private byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  /** The length prefix, mostly right, sometimes a lie. */
  private void writeFrame(ByteArrayOutputStream o, byte[] body) {
    switch (random.nextInt(12)) {
      case 0 -> writeVarint(o, maxFrameBytes + 1 + random.nextInt(1 << 20)); // over the limit
      case 1 -> o.writeBytes(new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x7f});
      case 2 -> o.writeBytes(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f});
      case 3 -> writeVarint(o, Math.max(0, body.length - 1 - random.nextInt(4))); // short
      case 4 -> writeVarint(o, body.length + 1 + random.nextInt(16)); // long: waits for more
      default -> writeVarint(o, body.length);
    }
    o.writeBytes(body);
  }

  /** The stream cut at random points: frames split across reads and reads across frames. */
  private List<byte[]> chunks(byte[] all) {
    List<byte[]> out = new ArrayList<>();
    int pos = 0;
    while (pos < all.length) {
      int n = random.nextInt(3) == 0 ? 1 + random.nextInt(16) : all.length - pos;
      n = Math.min(n, all.length - pos);
      out.add(Arrays.copyOfRange(all, pos, pos + n));
      pos += n;
    }
    return out;
  }

  static void writeVarint(ByteArrayOutputStream o, int v) {
    while ((v & ~0x7f) != 0) {
      o.write((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    o.write(v);
  }
}
