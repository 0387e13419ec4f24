package meshchat.wire;

import static meshchat.fixture.Edwards25519.P;
import static meshchat.fixture.Edwards25519.add;
import static meshchat.fixture.Edwards25519.le;
import static meshchat.fixture.Edwards25519.leValue;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import meshchat.fixture.Edwards25519;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.junit.jupiter.api.Test;

/**
 * {@link Ed25519.Verifier} (our trimmed copy of Bouncy Castle's verification, {@link
 * Ed25519Points}) gives Bouncy Castle's own verdict ({@code math.ec.rfc8032.Ed25519.verify}, raw
 * key) on every input: random keys, texts and signatures with bits flipped in R, S, the key and the
 * text; RFC 8032's vectors; and the encodings verifiers disagree on (R and A with y &ge; p,
 * small-order and mixed-order keys and R, S at and past L, all zeros, all ones, the neutral
 * element). Each case runs on a fresh verifier and again on one that holds the key already.
 */
class Ed25519VerifierTest {
  private static final HexFormat HEX = HexFormat.of();

  /** The order of the base point's group. */
  private static final BigInteger L =
      BigInteger.TWO.pow(252).add(new BigInteger("27742317777372353535851937790883648493"));

  // one verifier across the whole class too: keys cached, scratch reused between cases
  private static final Ed25519.Verifier SHARED = new Ed25519.Verifier();

  private static boolean bouncyCastle(byte[] key, byte[] data, int from, int len, byte[] sig) {
    try {
      return org.bouncycastle.math.ec.rfc8032.Ed25519.verify(sig, 0, key, 0, data, from, len);
    } catch (RuntimeException e) {
      return false; // as Ed25519.verify's
    }
  }

  /** Asserts every path of ours gives Bouncy Castle's verdict; returns it. */
  private static boolean agree(byte[] key, byte[] data, byte[] sig) {
    return agree(key, data, 0, data.length, sig);
  }

  private static boolean agree(byte[] key, byte[] data, int from, int len, byte[] sig) {
    boolean expected = bouncyCastle(key, data, from, len, sig);
    Ed25519.Verifier fresh = new Ed25519.Verifier();
    assertThat(fresh.verify(key, data, from, len, sig)).as("fresh verifier").isEqualTo(expected);
    assertThat(fresh.verify(key, data, from, len, sig)).as("key held").isEqualTo(expected);
    assertThat(SHARED.verify(key, data, from, len, sig)).as("shared").isEqualTo(expected);
    return expected;
  }

  private static byte[] flip(byte[] b, int bit) {
    byte[] c = b.clone();
    c[(bit / 8) % c.length] ^= (byte) (1 << (bit % 8));
    return c;
  }

  @Property(tries = 400)
  void randomKeysTextsAndSignaturesWithFlippedBitsGetBouncyCastlesVerdict(
      @ForAll @Size(32) byte[] seed,
      @ForAll @Size(max = 300) byte[] data,
      @ForAll @IntRange(min = 0, max = 7) int damage,
      @ForAll @IntRange(min = 0, max = 4095) int bit,
      @ForAll @Size(64) byte[] randomSig,
      @ForAll @Size(32) byte[] randomKey) {
    byte[] key = Ed25519.publicKeyOf(seed);
    byte[] sig = Ed25519.sign(seed, data);
    byte[] text = data;
    switch (damage) {
      case 1 -> sig = flip(sig, bit % 256); // R
      case 2 -> sig = flip(sig, 256 + bit % 256); // S
      case 3 -> key = flip(key, bit % 256);
      case 4 -> text = data.length == 0 ? new byte[] {1} : flip(data, bit % (8 * data.length));
      case 5 -> sig = randomSig;
      case 6 -> key = randomKey;
      case 7 -> {
        sig = flip(sig, bit % 512);
        key = flip(key, bit / 2 % 256);
      }
      default -> {}
    }
    boolean verdict = agree(key, text, sig);
    if (damage == 0) {
      assertThat(verdict).isTrue();
    }
  }

  @Property(tries = 100)
  void aTextInsideALargerArrayGetsBouncyCastlesVerdict(
      @ForAll @Size(32) byte[] seed,
      @ForAll @Size(min = 1, max = 100) byte[] data,
      @ForAll @IntRange(min = 0, max = 99) int from,
      @ForAll @IntRange(min = 0, max = 100) int len) {
    int f = from % data.length;
    int n = Math.min(len, data.length - f);
    byte[] text = java.util.Arrays.copyOfRange(data, f, f + n);
    byte[] sig = Ed25519.sign(seed, text);
    byte[] key = Ed25519.publicKeyOf(seed);
    assertThat(agree(key, data, f, n, sig)).isTrue();
    assertThat(agree(key, data, f, Math.min(n + 1, data.length - f), sig))
        .isEqualTo(n == data.length - f);
  }

  @Test
  void aRangeOutsideTheTextIsRefusedAndLeavesTheVerifierSound() {
    byte[] seed = new byte[32];
    byte[] data = "a text".getBytes();
    byte[] key = Ed25519.publicKeyOf(seed);
    byte[] sig = Ed25519.sign(seed, data);
    Ed25519.Verifier v = new Ed25519.Verifier();
    assertThat(v.verify(key, data, 2, 100, sig)).isFalse();
    assertThat(v.verify(key, data, -1, 3, sig)).isFalse();
    assertThat(v.verify(key, data, 0, data.length, sig)).isTrue(); // no half-hashed state left
  }

  // RFC 8032 §7.1: secret key, public key, message, signature
  private static final String[][] RFC8032 = {
    {
      "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
      "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
      "",
      "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
          + "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
    },
    {
      "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
      "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
      "72",
      "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
          + "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"
    },
    {
      "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
      "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
      "af82",
      "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
          + "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"
    },
    {
      "833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42",
      "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf",
      "SHA512(abc)",
      "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b589"
          + "09351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704"
    },
  };

  private static byte[] sha512(byte[] in) {
    SHA512Digest d = new SHA512Digest();
    d.update(in, 0, in.length);
    byte[] out = new byte[64];
    d.doFinal(out, 0);
    return out;
  }

  @Test
  void rfc8032VectorsVerifyAndEveryBitFlippedInThemIsRefused() {
    for (String[] v : RFC8032) {
      byte[] seed = HEX.parseHex(v[0]);
      byte[] key = HEX.parseHex(v[1]);
      byte[] msg = v[2].equals("SHA512(abc)") ? sha512("abc".getBytes()) : HEX.parseHex(v[2]);
      byte[] sig = HEX.parseHex(v[3]);
      assertThat(Ed25519.publicKeyOf(seed)).isEqualTo(key);
      assertThat(Ed25519.sign(seed, msg)).isEqualTo(sig);
      assertThat(agree(key, msg, sig)).isTrue();
      for (int bit = 0; bit < 512; bit++) {
        assertThat(agree(key, msg, flip(sig, bit))).isFalse();
      }
      for (int bit = 0; bit < 256; bit++) {
        agree(flip(key, bit), msg, sig); // some flipped keys do not decode, none verifies
        assertThat(bouncyCastle(flip(key, bit), msg, 0, msg.length, sig)).isFalse();
      }
      for (int bit = 0; bit < 8 * msg.length; bit++) {
        assertThat(agree(key, flip(msg, bit), sig)).isFalse();
      }
    }
  }

  // ---- the curve in plain arithmetic, to build the edge encodings ----

  private static final byte[] NEUTRAL = Edwards25519.neutral();

  /** Every point of order 1, 2, 4 and 8, canonically encoded. */
  private static final byte[][] TORSION = {
    NEUTRAL,
    le(P.subtract(BigInteger.ONE), false), // order 2
    le(BigInteger.ZERO, false), // order 4
    le(BigInteger.ZERO, true),
    HEX.parseHex("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"), // order 8
    HEX.parseHex("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa"),
    HEX.parseHex("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"),
    HEX.parseHex("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85"),
  };

  /**
   * Encodings a verifier may take wrongly: small order, y &ge; p, x = 0 signed, not on the curve.
   */
  private static List<byte[]> edgeEncodings() {
    List<byte[]> out = new ArrayList<>();
    for (byte[] t : TORSION) {
      out.add(t);
    }
    for (boolean sign : new boolean[] {false, true}) {
      out.add(le(BigInteger.ONE, sign)); // the neutral element; signed: x = 0 with the sign bit
      out.add(le(P.subtract(BigInteger.ONE), sign));
      for (int i = 0; i < 19; i++) {
        out.add(le(P.add(BigInteger.valueOf(i)), sign)); // y >= p: y - p non-canonically
      }
      out.add(le(BigInteger.TWO.pow(255).subtract(BigInteger.ONE), sign)); // all ones
      out.add(le(BigInteger.TWO, sign)); // y = 2: no x
    }
    out.add(new byte[32]); // all zeros
    byte[] ones = new byte[32];
    java.util.Arrays.fill(ones, (byte) 0xff);
    out.add(ones);
    return out;
  }

  /** S values at and past the edges: 0, 1, L - 1, L, L + 1, 2^253 - 1, 2^253, 2^256 - 1. */
  private static List<byte[]> edgeScalars() {
    List<byte[]> out = new ArrayList<>();
    for (BigInteger s :
        new BigInteger[] {
          BigInteger.ZERO,
          BigInteger.ONE,
          L.subtract(BigInteger.ONE),
          L,
          L.add(BigInteger.ONE),
          BigInteger.TWO.pow(253).subtract(BigInteger.ONE),
          BigInteger.TWO.pow(253),
          BigInteger.TWO.pow(255).subtract(BigInteger.ONE),
        }) {
      out.add(le(s, false));
    }
    byte[] ones = new byte[32];
    java.util.Arrays.fill(ones, (byte) 0xff);
    out.add(ones);
    return out;
  }

  private static byte[] sig(byte[] r, byte[] s) {
    byte[] sig = new byte[64];
    System.arraycopy(r, 0, sig, 0, 32);
    System.arraycopy(s, 0, sig, 32, 32);
    return sig;
  }

  @Test
  void edgeKeysRAndSInEveryCombinationGetBouncyCastlesVerdict() {
    byte[] data = "edge".getBytes();
    List<byte[]> points = edgeEncodings();
    byte[] seed = new byte[32];
    seed[0] = 7;
    byte[] honest = Ed25519.publicKeyOf(seed);
    points.add(honest);
    points.add(add(honest, TORSION[4])); // mixed order
    for (byte[] key : points) {
      for (byte[] r : points) {
        for (byte[] s : edgeScalars()) {
          agree(key, data, sig(r, s));
        }
      }
    }
  }

  /**
   * A signature made with a key's prime-order part, checked under the key with a small-order point
   * added, and signatures whose R has a small-order point added: Bouncy Castle's check is
   * cofactored ([8]SB = [8]R + [8]kA), so it accepts some of these where a cofactorless one would
   * not; ours must accept exactly the same.
   */
  @Test
  void mixedOrderKeysAndMixedOrderRGetBouncyCastlesVerdict() {
    Random random = new Random(19);
    int accepted = 0;
    for (byte[] t : TORSION) {
      for (int i = 0; i < 8; i++) {
        byte[] seed = new byte[32];
        random.nextBytes(seed);
        byte[] honest = Ed25519.publicKeyOf(seed);
        byte[] mixed = add(honest, t);
        byte[] data = ("text " + i).getBytes();
        // signed under the mixed key's bytes (they enter the challenge) with the honest secret
        byte[] sig = Ed25519.sign(seed, mixed, data);
        accepted += agree(mixed, data, sig) ? 1 : 0;
        // an honest signature whose R has a small-order point added
        byte[] good = Ed25519.sign(seed, data);
        byte[] r = add(java.util.Arrays.copyOf(good, 32), t);
        byte[] moved = good.clone();
        System.arraycopy(r, 0, moved, 0, 32);
        accepted += agree(honest, data, moved) ? 1 : 0;
      }
    }
    assertThat(accepted).isPositive(); // the cofactored check's acceptances are among them
  }

  /** The secret scalar of an RFC 8032 seed (§5.1.5: the clamped low half of SHA-512(seed)). */
  private static BigInteger secretScalar(byte[] seed) {
    byte[] h = java.util.Arrays.copyOf(sha512(seed), 32);
    h[0] &= (byte) 248;
    h[31] &= 127;
    h[31] |= 64;
    return leValue(h);
  }

  /**
   * Signatures whose R is a small-order point, in every encoding (canonical, y &ge; p, x = 0 with
   * the sign bit), made valid by their key's owner: S = k·a with k over R's own bytes, so [S]B -
   * [k]A - R is small-order and the cofactored check passes exactly when R's encoding is one Bouncy
   * Castle takes. Where R's y is not canonical it refuses, and so must ours.
   */
  @Test
  void smallOrderRInEveryEncodingSignedByTheKeysOwnerGetsBouncyCastlesVerdict() {
    byte[] seed = new byte[32];
    seed[3] = 42;
    byte[] key = Ed25519.publicKeyOf(seed);
    BigInteger a = secretScalar(seed);
    byte[] data = "small order R".getBytes();
    List<byte[]> rs = new ArrayList<>(List.of(TORSION));
    for (boolean sign : new boolean[] {false, true}) {
      rs.add(le(P, sign)); // y = 0 as p
      rs.add(le(P.add(BigInteger.ONE), sign)); // y = 1 as p + 1
      rs.add(le(BigInteger.ONE, sign)); // the neutral element, signed or not
      rs.add(le(P.subtract(BigInteger.ONE), sign));
    }
    int accepted = 0;
    int refused = 0;
    for (byte[] r : rs) {
      SHA512Digest d = new SHA512Digest();
      d.update(r, 0, 32);
      d.update(key, 0, 32);
      d.update(data, 0, data.length);
      byte[] h = new byte[64];
      d.doFinal(h, 0);
      BigInteger k = leValue64(h).mod(L);
      boolean verdict = agree(key, data, sig(r, le(k.multiply(a).mod(L), false)));
      accepted += verdict ? 1 : 0;
      refused += verdict ? 0 : 1;
    }
    assertThat(accepted).isPositive(); // the canonical small-order R
    assertThat(refused).isPositive(); // y >= p, and x = 0 with the sign bit
  }

  private static BigInteger leValue64(byte[] b) {
    byte[] be = new byte[b.length];
    for (int i = 0; i < b.length; i++) {
      be[i] = b[b.length - 1 - i];
    }
    return new BigInteger(1, be);
  }

  @Test
  void sPlusLIsRefusedAsBouncyCastleRefusesIt() {
    Random random = new Random(3);
    for (int i = 0; i < 50; i++) {
      byte[] seed = new byte[32];
      random.nextBytes(seed);
      byte[] key = Ed25519.publicKeyOf(seed);
      byte[] data = ("malleable " + i).getBytes();
      byte[] sig = Ed25519.sign(seed, data);
      byte[] s = java.util.Arrays.copyOfRange(sig, 32, 64);
      byte[] sPlusL = le(leValue(s).add(L), false);
      assertThat(agree(key, data, sig)).isTrue();
      assertThat(agree(key, data, sig(java.util.Arrays.copyOf(sig, 32), sPlusL))).isFalse();
    }
  }

  @Test
  void aCheckAllocatesNothing() {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    byte[] seed = new byte[32];
    byte[] key = Ed25519.publicKeyOf(seed);
    byte[] data = new byte[100];
    byte[] sig = Ed25519.sign(seed, data);
    Ed25519.Verifier v = new Ed25519.Verifier();
    boolean ok = v.verify(key, data, 0, data.length, sig); // the key's table
    long before = threads.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < 200; i++) {
      ok &= v.verify(key, data, 0, data.length, sig);
    }
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    assertThat(ok).isTrue();
    // Bouncy Castle's allocates ~6.5 KB a check (1.3 MB here)
    assertThat(allocated).isLessThan(4_096);
  }

  /**
   * Two keys of one set are both held (each built once however they alternate); a third evicts the
   * one used less recently, which is built again when it comes back; verdicts stay right.
   */
  @Test
  void twoKeysOfOneSetAreBothHeldAndAThirdEvictsTheLessRecentlyUsed() {
    byte[][] seeds = new byte[3][32];
    byte[][] keys = new byte[3][];
    byte[] data = "sets".getBytes();
    byte[][] sigs = new byte[3][];
    // three keys in one set: search seeds until three keys share the set (salt 0)
    int want = -1;
    int found = 0;
    Random random = new Random(5);
    while (found < 3) {
      byte[] seed = new byte[32];
      random.nextBytes(seed);
      byte[] key = Ed25519.publicKeyOf(seed);
      int set = Ed25519.Verifier.set(key, 0);
      if (found == 0) {
        want = set;
      }
      if (set == want) {
        seeds[found] = seed;
        keys[found] = key;
        sigs[found] = Ed25519.sign(seed, data);
        found++;
      }
    }
    Ed25519.Verifier v = new Ed25519.Verifier(0);
    for (int i = 0; i < 20; i++) {
      assertThat(v.verify(keys[i % 2], data, 0, data.length, sigs[i % 2])).isTrue();
    }
    assertThat(v.decodes()).isEqualTo(2);
    assertThat(v.verify(keys[1], data, 0, data.length, sigs[1])).isTrue(); // 0 is older now
    assertThat(v.verify(keys[2], data, 0, data.length, sigs[2])).isTrue(); // evicts 0
    assertThat(v.decodes()).isEqualTo(3);
    assertThat(v.verify(keys[1], data, 0, data.length, sigs[1])).isTrue(); // still held
    assertThat(v.decodes()).isEqualTo(3);
    assertThat(v.verify(keys[0], data, 0, data.length, sigs[0])).isTrue(); // built again
    assertThat(v.decodes()).isEqualTo(4);
    assertThat(v.verify(keys[0], data, 0, data.length, sigs[1])).isFalse();
  }
}
