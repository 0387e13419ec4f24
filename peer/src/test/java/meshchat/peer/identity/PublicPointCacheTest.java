package meshchat.peer.identity;

import static meshchat.fixture.Edwards25519.P;
import static meshchat.fixture.Edwards25519.add;
import static meshchat.fixture.Edwards25519.le;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import meshchat.wire.Ed25519;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * {@link Ed25519.Verifier} (a key's checks and tables kept per thread) gives the raw-key check's
 * verdict for every key, signature and text: honest keys and their signatures, damaged ones, random
 * 32-byte keys, every RFC 8032 edge of the key's encoding (the small-order points, y &ge; p, the
 * sign bit on x = 0) and keys with a small-order component (which the raw path accepts, so the
 * cache must not refuse them: the reason it decodes with partial validation, not full), with its
 * table hit again and again and evicted by many keys.
 */
class PublicPointCacheTest {

  private static final Identity AUTHOR = Identity.generate();

  /** The encodings RFC 8032 verifiers disagree on (small order, non-canonical, x = 0 signed). */
  static final List<byte[]> EDGE_KEYS = edgeKeys();

  private static byte[] hex(String h) {
    return HexFormat.of().parseHex(h);
  }

  private static List<byte[]> edgeKeys() {
    List<byte[]> keys = new ArrayList<>();
    String[] order8 = {
      "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
      "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
      "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
      "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
    };
    for (String h : order8) {
      keys.add(hex(h));
    }
    for (boolean sign : new boolean[] {false, true}) {
      keys.add(le(BigInteger.ZERO, sign)); // order 4 (y = 0)
      keys.add(le(BigInteger.ONE, sign)); // the neutral element (x = 0; signed: x = 0 with sign)
      keys.add(le(P.subtract(BigInteger.ONE), sign)); // order 2 (x = 0)
      for (int i = 0; i < 19; i++) {
        keys.add(le(P.add(BigInteger.valueOf(i)), sign)); // y >= p: non-canonical
      }
      keys.add(le(BigInteger.TWO.pow(255).subtract(BigInteger.ONE), sign)); // the largest y
      keys.add(le(BigInteger.TWO, sign)); // y = 2: not on the curve
    }
    return keys;
  }

  // the curve in plain arithmetic, to build keys with a small-order component

  /** Small-order points that decode: order 8 (four), 4 and 2; added to a key, it is mixed-order. */
  private static final byte[][] TORSION = {
    hex("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"),
    hex("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85"),
    le(BigInteger.ZERO, false),
    le(P.subtract(BigInteger.ONE), false),
  };

  private static boolean raw(byte[] key, byte[] data, byte[] sig) {
    return Ed25519.verify(key, data, 0, data.length, sig);
  }

  private static void agree(Ed25519.Verifier v, byte[] key, byte[] data, byte[] sig) {
    boolean expected = raw(key, data, sig);
    assertThat(v.verify(key, data, 0, data.length, sig)).isEqualTo(expected);
    assertThat(v.verify(key, data, 0, data.length, sig)).isEqualTo(expected); // from the table
  }

  @Property(tries = 300)
  void honestDamagedAndRandomSignaturesGetTheRawVerdict(
      @ForAll @Size(max = 200) byte[] data,
      @ForAll @IntRange(min = 0, max = 5) int damage,
      @ForAll @IntRange(min = 0, max = 511) int bit,
      @ForAll @Size(32) byte[] randomKey,
      @ForAll @Size(64) byte[] randomSig) {
    Ed25519.Verifier v = new Ed25519.Verifier();
    byte[] key = AUTHOR.publicKey();
    byte[] sig = AUTHOR.sign(data);
    switch (damage) {
      case 1 -> sig[bit / 8] ^= (byte) (1 << (bit % 8));
      case 2 -> key = randomKey;
      case 3 -> sig = randomSig;
      case 4 -> {
        key = randomKey;
        sig = randomSig;
      }
      case 5 -> key[bit % 32] ^= (byte) (1 << (bit % 8));
      default -> {}
    }
    agree(v, key, data, sig);
    if (damage == 0) {
      assertThat(v.verify(key, data, 0, data.length, sig)).isTrue();
    }
  }

  @Property(tries = 100)
  void edgeKeysGetTheRawVerdict(
      @ForAll @IntRange(min = 0, max = 1000) int which,
      @ForAll @Size(max = 64) byte[] data,
      @ForAll @Size(64) byte[] randomSig) {
    Ed25519.Verifier v = new Ed25519.Verifier();
    byte[] key = EDGE_KEYS.get(which % EDGE_KEYS.size());
    agree(v, key, data, randomSig);
    agree(v, key, data, AUTHOR.sign(data));
    // a signature "by" the key: S = 0 and R = the key itself or the neutral element
    for (byte[] r : new byte[][] {key, le(BigInteger.ONE, false)}) {
      byte[] sig = new byte[64];
      System.arraycopy(r, 0, sig, 0, 32);
      agree(v, key, data, sig);
    }
  }

  @Test
  void everyEdgeKeyIsRefusedByBothPathsAsBouncyCastleDecodesIt() {
    Ed25519.Verifier v = new Ed25519.Verifier();
    byte[] data = {1, 2, 3};
    for (byte[] key : EDGE_KEYS) {
      for (byte[] sig : new byte[][] {new byte[64], AUTHOR.sign(data)}) {
        assertThat(raw(key, data, sig)).isFalse();
        assertThat(v.verify(key, data, 0, data.length, sig)).isFalse();
      }
    }
  }

  /**
   * A key with a small-order component signed for with its prime-order part's private key: Bouncy
   * Castle's raw-key check accepts such signatures. The raw path does not check a key's order, so
   * neither may the cache: {@code validatePublicKeyFullExport} would refuse these keys.
   */
  @Test
  void mixedOrderKeysAreAcceptedExactlyWhenTheRawPathAcceptsThem() {
    Random random = new Random(17);
    int accepted = 0;
    int checks = 0;
    for (byte[] t : TORSION) {
      byte[] seed = new byte[32];
      random.nextBytes(seed);
      byte[] honest = Ed25519.publicKeyOf(seed);
      byte[] mixed = add(honest, t);
      assertThat(add(honest, le(BigInteger.ONE, false))).isEqualTo(honest);
      // a point of the curve, but not of the prime-order group: full validation refuses it
      assertThat(org.bouncycastle.math.ec.rfc8032.Ed25519.validatePublicKeyPartial(mixed, 0))
          .isTrue();
      assertThat(org.bouncycastle.math.ec.rfc8032.Ed25519.validatePublicKeyFull(mixed, 0))
          .isFalse();
      assertThat(org.bouncycastle.math.ec.rfc8032.Ed25519.validatePublicKeyFull(honest, 0))
          .isTrue();
      Ed25519.Verifier v = new Ed25519.Verifier();
      for (int i = 0; i < 64; i++) {
        byte[] data = ("text " + i).getBytes();
        byte[] sig = Ed25519.sign(seed, mixed, data);
        boolean expected = raw(mixed, data, sig);
        accepted += expected ? 1 : 0;
        checks++;
        assertThat(v.verify(mixed, data, 0, data.length, sig)).isEqualTo(expected);
      }
    }
    // the raw path accepts them (Bouncy Castle 1.87: all of these): where full validation differs
    assertThat(accepted).isPositive();
  }

  @Property(tries = 20)
  void oneKeyManyTimesAndManyKeysThroughOneTable(
      @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int seed) {
    Random random = new Random(seed);
    Ed25519.Verifier v = new Ed25519.Verifier();
    byte[] data = new byte[48];
    random.nextBytes(data);
    byte[] sig = AUTHOR.sign(data);
    for (int i = 0; i < 50; i++) {
      assertThat(v.verify(AUTHOR.publicKey(), data, 0, data.length, sig)).isTrue();
    }
    assertThat(v.decodes()).isEqualTo(1);
    // more keys than slots: they evict each other; every verdict stays the raw one
    byte[] key = new byte[32];
    for (int i = 0; i < Ed25519.Verifier.SLOTS + 200; i++) {
      random.nextBytes(key);
      if (i % 3 == 0) {
        key = EDGE_KEYS.get(random.nextInt(EDGE_KEYS.size())).clone();
      }
      byte[] s = new byte[64];
      random.nextBytes(s);
      assertThat(v.verify(key, data, 0, data.length, s)).isEqualTo(raw(key, data, s));
      if (i % 7 == 0) {
        assertThat(v.verify(AUTHOR.publicKey(), data, 0, data.length, sig)).isTrue();
        sig[0] ^= 1; // and a damaged one from a key that may have been evicted
        assertThat(v.verify(AUTHOR.publicKey(), data, 0, data.length, sig)).isFalse();
        sig[0] ^= 1;
      }
    }
    // the caller's array reused for another key does not change what the table keeps
    byte[] reused = AUTHOR.publicKey().clone();
    assertThat(v.verify(reused, data, 0, data.length, sig)).isTrue();
    reused[5] ^= 1;
    assertThat(v.verify(reused, data, 0, data.length, sig))
        .isEqualTo(raw(reused, data, sig))
        .isFalse();
  }
}
