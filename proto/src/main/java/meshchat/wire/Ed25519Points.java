/*
 * Copyright (c) 2000-2025 The Legion of the Bouncy Castle Inc. (https://www.bouncycastle.org).
 *
 * Permission is hereby granted, free of charge, to any person obtaining a copy of this software
 * and associated documentation files (the "Software"), to deal in the Software without
 * restriction, including without limitation the rights to use, copy, modify, merge, publish,
 * distribute, sublicense, and/or sell copies of the Software, and to permit persons to whom the
 * Software is furnished to do so, subject to the following conditions:
 *
 * The above copyright notice and this permission notice shall be included in all copies or
 * substantial portions of the Software.
 *
 * THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING
 * BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
 * NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM,
 * DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
 * OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
 */
package meshchat.wire;

import org.bouncycastle.math.ec.rfc7748.X25519Field;
import org.bouncycastle.math.raw.Nat256;

/**
 * The curve half of Ed25519 verification (RFC 8032 §5.1.7), a trimmed copy of Bouncy Castle 1.87's
 * {@code org.bouncycastle.math.ec.rfc8032.Ed25519} (MIT licence above), transcribed from the class
 * files of the {@code bcprov-jdk18on-1.87} jar on Maven Central (no sources jar is served): the
 * same point formulas, point decoding, checks, challenge and cofactored equation, on Bouncy
 * Castle's own field arithmetic ({@link X25519Field}, public API). Bouncy Castle's names are kept
 * for its methods; its locals keep the decompiler's names so that a line compares with the
 * original.
 *
 * <p>What was changed, and only this (each marked {@code CHANGED}):
 *
 * <ul>
 *   <li>Nothing is allocated per verification: every temporary (points, field elements, digit
 *       arrays) is a field of a {@link Scratch}, one per thread.
 *   <li>The key's checks, decoded point and tables of odd multiples are built once per key ({@link
 *       Key}), not per verification.
 *   <li>How the equation [8]([S]B - [k]A - R) = O is evaluated ({@link #verify}): both scalars cut
 *       into {@link #PARTS} parts, with tables of 2^(32 j) B (built once, at class initialisation,
 *       as Bouncy Castle's {@code precompute()} builds those of B and 2^128 B) and of 2^(32 j) A
 *       (per key), in place of Bouncy Castle's lattice reduction to two 128-bit scalars and its
 *       per-check table of R: 32 doublings instead of 128, and no lock per verification.
 *   <li>{@code X25519Field.sqrtRatioVar} and its {@code powPm5d8} are copied to take their
 *       temporaries from the scratch.
 * </ul>
 *
 * <p>Verdicts equal Bouncy Castle's for every input: pinned by {@code Ed25519VerifierTest}.
 * Variable-time, as Bouncy Castle's verification is: it handles only public values.
 */
final class Ed25519Points {
  private Ed25519Points() {}

  private static final class F extends X25519Field {}

  // X25519Field's (private there): a square root of -1
  private static final int[] ROOT_NEG_ONE =
      new int[] {
        -32595792, -7943725, 4688975, 3500415, 6194736, 33281959, -12573105, -1002827, 163343,
        5703241
      };

  private static final int WNAF_WIDTH_128 = 4;
  private static final int WNAF_WIDTH_BASE = 6;

  private static final int[] P = new int[] {-19, -1, -1, -1, -1, -1, -1, Integer.MAX_VALUE};
  private static final int[] ORDER8_y1 =
      new int[] {
        1886001095, 1339575613, 1980447930, 258412557, -95215574, -959694548, 2013120334, 2047061138
      };
  private static final int[] ORDER8_y2 =
      new int[] {
        -1886001114,
        -1339575614,
        -1980447931,
        -258412558,
        95215573,
        959694547,
        -2013120335,
        100422509
      };
  private static final int[] B_x =
      new int[] {
        52811034, 25909283, 8072341, 50637101, 13785486, 30858332, 20483199, 20966410, 43936626,
        4379245
      };
  private static final int[] B_y =
      new int[] {
        40265304, 26843545, 6710886, 53687091, 13421772, 40265318, 26843545, 6710886, 53687091,
        13421772
      };
  private static final int[] B128_x =
      new int[] {
        12052516, 1174424, 4087752, 38672185, 20040971, 21899680, 55468344, 20105554, 66708015,
        9981791
      };
  private static final int[] B128_y =
      new int[] {
        66430571, 45040722, 4842939, 15895846, 18981244, 46308410, 4697481, 8903007, 53646190,
        12474675
      };
  private static final int[] C_d =
      new int[] {
        56195235, 47411844, 25868126, 40503822, 57364, 58321048, 30416477, 31930572, 57760639,
        10749657
      };
  private static final int[] C_d2 =
      new int[] {
        45281625, 27714825, 18181821, 13898781, 114729, 49533232, 60832955, 30306712, 48412415,
        4722099
      };
  private static final int[] C_d4 =
      new int[] {
        23454386, 55429651, 2809210, 27797563, 229458, 31957600, 54557047, 27058993, 29715967,
        9444199
      };

  static boolean checkPointFullVar(byte[] var0) {
    int var1 = Ed25519Scalars.decode32(var0, 28) & 2147483647;
    int var2 = var1;
    int var3 = var1 ^ P[7];
    int var4 = var1 ^ ORDER8_y1[7];
    int var5 = var1 ^ ORDER8_y2[7];

    for (int var6 = 6; var6 > 0; var6--) {
      int var7 = Ed25519Scalars.decode32(var0, var6 * 4);
      var2 |= var7;
      var3 |= var7 ^ P[var6];
      var4 |= var7 ^ ORDER8_y1[var6];
      var5 |= var7 ^ ORDER8_y2[var6];
    }

    int var10 = Ed25519Scalars.decode32(var0, 0);
    if (var2 == 0 && Integer.compareUnsigned(var10, 1) <= 0) {
      return false;
    }

    if (var3 == 0 && Integer.compareUnsigned(var10, P[0] - 1) >= 0) {
      return false;
    }

    var4 |= var10 ^ ORDER8_y1[0];
    var5 |= var10 ^ ORDER8_y2[0];
    return var4 != 0 & var5 != 0;
  }

  // CHANGED: var1 is the caller's (8 ints, every one written), not a new array
  static boolean checkPointVar(byte[] var0, int[] var1) {
    if ((Ed25519Scalars.decode32(var0, 28) & 2147483647) < P[7]) {
      return true;
    }

    Ed25519Scalars.decode32(var0, 0, var1, 0, 8);
    var1[7] &= Integer.MAX_VALUE;
    return !Nat256.gte(var1, P);
  }

  // CHANGED: F.sqrtRatioVar's temporaries come from the caller (sqrtRatioVar below)
  static boolean decodePointVar(byte[] var0, boolean var1, PointAffine var2, int[][] t) {
    int var3 = (var0[31] & 128) >>> 7;
    F.decode255(var0, var2.y);
    int[] var4 = t[0];
    int[] var5 = t[1];
    F.sqr(var2.y, var4);
    F.mul(C_d, var4, var5);
    F.subOne(var4);
    F.addOne(var5);
    if (!sqrtRatioVar(var4, var5, var2.x, t)) {
      return false;
    }

    F.normalize(var2.x);
    if (var3 == 1 && F.isZeroVar(var2.x)) {
      return false;
    }

    if (var1 ^ var3 != (var2.x[0] & 1)) {
      F.negate(var2.x, var2.x);
      F.normalize(var2.x);
    }

    return true;
  }

  private static void invertDoubleZs(PointExtended[] var0) {
    int var1 = var0.length;
    int[] var2 = F.createTable(var1);
    int[] var3 = F.create();
    F.copy(var0[0].z, 0, var3, 0);
    F.copy(var3, 0, var2, 0);
    int var4 = 0;

    while (++var4 < var1) {
      F.mul(var3, var0[var4].z, var3);
      F.copy(var3, 0, var2, var4 * 10);
    }

    F.add(var3, var3, var3);
    F.invVar(var3, var3);
    var4--;
    int[] var5 = F.create();

    while (var4 > 0) {
      int var6 = var4--;
      F.copy(var2, var4 * 10, var5, 0);
      F.mul(var5, var3, var5);
      F.mul(var3, var0[var6].z, var3);
      F.copy(var5, 0, var0[var6].z, 0);
    }

    F.copy(var3, 0, var0[0].z, 0);
  }

  static boolean normalizeToNeutralElementVar(PointAccum var0) {
    F.normalize(var0.x);
    F.normalize(var0.y);
    F.normalize(var0.z);
    return F.isZeroVar(var0.x) && !F.isZeroVar(var0.y) && F.areEqualVar(var0.y, var0.z);
  }

  private static void pointAdd(
      PointExtended var0, PointExtended var1, PointExtended var2, PointTemp var3) {
    int[] var4 = var2.x;
    int[] var5 = var2.y;
    int[] var6 = var3.r0;
    int[] var7 = var3.r1;
    int[] var8 = var4;
    int[] var9 = var6;
    int[] var10 = var7;
    int[] var11 = var5;
    F.apm(var0.y, var0.x, var5, var4);
    F.apm(var1.y, var1.x, var7, var6);
    F.mul(var4, var6, var4);
    F.mul(var5, var7, var5);
    F.mul(var0.t, var1.t, var6);
    F.mul(var6, C_d2, var6);
    F.add(var0.z, var0.z, var7);
    F.mul(var7, var1.z, var7);
    F.apm(var5, var4, var11, var8);
    F.apm(var7, var6, var10, var9);
    F.mul(var8, var11, var2.t);
    F.mul(var9, var10, var2.z);
    F.mul(var8, var9, var2.x);
    F.mul(var11, var10, var2.y);
  }

  private static void pointAddVar(
      boolean var0, PointPrecomp var1, PointAccum var2, PointTemp var3) {
    int[] var4 = var2.x;
    int[] var5 = var2.y;
    int[] var6 = var3.r0;
    int[] var7 = var2.u;
    int[] var8 = var4;
    int[] var9 = var5;
    int[] var10 = var2.v;
    int[] var11;
    int[] var12;
    if (var0) {
      var11 = var5;
      var12 = var4;
    } else {
      var11 = var4;
      var12 = var5;
    }

    int[] var13 = var11;
    int[] var14 = var12;
    F.apm(var2.y, var2.x, var5, var4);
    F.mul(var11, var1.ymx_h, var11);
    F.mul(var12, var1.ypx_h, var12);
    F.mul(var2.u, var2.v, var6);
    F.mul(var6, var1.xyd, var6);
    F.apm(var5, var4, var10, var7);
    F.apm(var2.z, var6, var14, var13);
    F.mul(var8, var9, var2.z);
    F.mul(var8, var7, var2.x);
    F.mul(var9, var10, var2.y);
  }

  private static void pointAddVar(
      boolean var0, PointPrecompZ var1, PointAccum var2, PointTemp var3) {
    int[] var4 = var2.x;
    int[] var5 = var2.y;
    int[] var6 = var3.r0;
    int[] var7 = var2.z;
    int[] var8 = var2.u;
    int[] var9 = var4;
    int[] var10 = var5;
    int[] var11 = var2.v;
    int[] var12;
    int[] var13;
    if (var0) {
      var12 = var5;
      var13 = var4;
    } else {
      var12 = var4;
      var13 = var5;
    }

    int[] var14 = var12;
    int[] var15 = var13;
    F.apm(var2.y, var2.x, var5, var4);
    F.mul(var12, var1.ymx_h, var12);
    F.mul(var13, var1.ypx_h, var13);
    F.mul(var2.u, var2.v, var6);
    F.mul(var6, var1.xyd, var6);
    F.mul(var2.z, var1.z, var7);
    F.apm(var5, var4, var11, var8);
    F.apm(var7, var6, var15, var14);
    F.mul(var9, var10, var2.z);
    F.mul(var9, var8, var2.x);
    F.mul(var10, var11, var2.y);
  }

  private static void pointCopy(PointAccum var0, PointExtended var1) {
    F.copy(var0.x, 0, var1.x, 0);
    F.copy(var0.y, 0, var1.y, 0);
    F.copy(var0.z, 0, var1.z, 0);
    F.mul(var0.u, var0.v, var1.t);
  }

  private static void pointCopy(PointAffine var0, PointExtended var1) {
    F.copy(var0.x, 0, var1.x, 0);
    F.copy(var0.y, 0, var1.y, 0);
    F.one(var1.z);
    F.mul(var0.x, var0.y, var1.t);
  }

  private static void pointCopy(PointExtended var0, PointPrecompZ var1) {
    F.apm(var0.y, var0.x, var1.ypx_h, var1.ymx_h);
    F.mul(var0.t, C_d2, var1.xyd);
    F.add(var0.z, var0.z, var1.z);
  }

  private static void pointDouble(PointAccum var0) {
    int[] var1 = var0.x;
    int[] var2 = var0.y;
    int[] var3 = var0.z;
    int[] var4 = var0.u;
    int[] var5 = var1;
    int[] var6 = var2;
    int[] var7 = var0.v;
    F.add(var0.x, var0.y, var4);
    F.sqr(var0.x, var1);
    F.sqr(var0.y, var2);
    F.sqr(var0.z, var3);
    F.add(var3, var3, var3);
    F.apm(var1, var2, var7, var6);
    F.sqr(var4, var4);
    F.sub(var7, var4, var4);
    F.add(var3, var6, var5);
    F.carry(var5);
    F.mul(var5, var6, var0.z);
    F.mul(var5, var4, var0.x);
    F.mul(var6, var7, var0.y);
  }

  private static void pointPrecompute(
      PointAffine var0, PointExtended[] var1, int var2, int var3, PointTemp var4) {
    PointExtended var5 = new PointExtended();
    pointCopy(var0, var5);
    var1[var2] = var5;
    PointExtended var6 = new PointExtended();
    pointAdd(var5, var5, var6, var4);

    for (int var7 = 1; var7 < var3; var7++) {
      PointExtended var8 = new PointExtended();
      pointAdd(var1[var2 + var7 - 1], var6, var8, var4);
      var1[var2 + var7] = var8;
    }
  }

  // CHANGED: into the caller's points (var1's entries, var4, var5), none made here
  static void pointPrecomputeZ(
      PointAffine var0,
      PointPrecompZ[] var1,
      int var2,
      PointTemp var3,
      PointExtended var4,
      PointExtended var5) {
    pointCopy(var0, var4);
    pointPrecomputeZ(var1, var2, var3, var4, var5);
  }

  // CHANGED: the part of pointPrecomputeZ after its first pointCopy, from a point already in var4
  // (the key's 2^(32 j) multiples, reached by doubling)
  private static void pointPrecomputeZ(
      PointPrecompZ[] var1, int var2, PointTemp var3, PointExtended var4, PointExtended var5) {
    pointAdd(var4, var4, var5, var3);
    int var6 = 0;

    while (true) {
      PointPrecompZ var7 = var1[var6];
      pointCopy(var4, var7);
      if (++var6 == var2) {
        return;
      }

      pointAdd(var4, var5, var4, var3);
    }
  }

  private static void pointSetNeutral(PointAccum var0) {
    F.zero(var0.x);
    F.one(var0.y);
    F.one(var0.z);
    F.zero(var0.u);
    F.one(var0.v);
  }

  // ---- the base point's wNAF tables ----

  /**
   * CHANGED: how many parts a 253-bit scalar is cut into, each of {@link #PART_BITS} digit
   * positions, with a table per part of odd multiples of 2^(32 j) B (and of 2^(32 j) A, per key).
   * Bouncy Castle cuts S in two (its B and B128 tables) and the rest into 128-bit scalars by
   * lattice reduction; eight parts make the loop 32 doublings long instead of 128 (measured: four
   * parts ~51 µs a check, eight ~43, Bouncy Castle's way ~71; docs/benchmarks.md, lat19).
   */
  static final int PARTS = 8;

  static final int PART_BITS = 32;

  /** PRECOMP_BASE_PARTS[j]: Bouncy Castle's wNAF table (width 6) of 2^(32 j) B. */
  private static final PointPrecomp[][] PRECOMP_BASE_PARTS;

  static {
    // CHANGED: Bouncy Castle's precompute() builds the tables of B and of B128 = 2^128 B (and a
    // comb for signing) and inverts their Z together; here the tables of 2^(32 j) B, each reached
    // from the one before by doubling, as precompute() reaches its comb's points. The values
    // stored are normalised affine coordinates, whatever shared the inversion.
    int var1 = 1 << (WNAF_WIDTH_BASE - 2);
    PointExtended[] var4 = new PointExtended[var1 * PARTS];
    PointTemp var5 = new PointTemp();
    PointAccum acc = new PointAccum();
    F.copy(B_x, 0, acc.x, 0);
    F.copy(B_y, 0, acc.y, 0);
    F.one(acc.z);
    F.copy(acc.x, 0, acc.u, 0);
    F.copy(acc.y, 0, acc.v, 0);
    for (int j = 0; j < PARTS; j++) {
      PointAffine var6 = new PointAffine();
      if (j == 0) {
        F.copy(B_x, 0, var6.x, 0);
        F.copy(B_y, 0, var6.y, 0);
      } else {
        for (int i = 0; i < PART_BITS; i++) {
          pointDouble(acc);
        }
        normalizeToAffine(acc, var6);
      }
      if (j * PART_BITS == 128) { // Bouncy Castle's own constant for 2^128 B: the doubling is right
        int[] bx = F.create();
        int[] by = F.create();
        F.copy(B128_x, 0, bx, 0);
        F.copy(B128_y, 0, by, 0);
        F.normalize(bx);
        F.normalize(by);
        if (!F.areEqualVar(bx, var6.x) || !F.areEqualVar(by, var6.y)) {
          throw new IllegalStateException("2^128 B is not Bouncy Castle's B128");
        }
      }
      pointPrecompute(var6, var4, var1 * j, var1, var5);
    }
    invertDoubleZs(var4);
    PRECOMP_BASE_PARTS = new PointPrecomp[PARTS][var1];
    for (int var20 = 0; var20 < var1 * PARTS; var20++) {
      PointExtended var23 = var4[var20];
      PointPrecomp var29 = new PointPrecomp();
      F.mul(var23.x, var23.z, var23.x);
      F.mul(var23.y, var23.z, var23.y);
      F.apm(var23.y, var23.x, var29.ypx_h, var29.ymx_h);
      F.mul(var23.x, var23.y, var29.xyd);
      F.mul(var29.xyd, C_d4, var29.xyd);
      F.normalize(var29.ymx_h);
      F.normalize(var29.ypx_h);
      F.normalize(var29.xyd);
      PRECOMP_BASE_PARTS[var20 / var1][var20 % var1] = var29;
    }
  }

  // Bouncy Castle's normalizeToAffine
  private static void normalizeToAffine(PointAccum var0, PointAffine var1) {
    F.inv(var0.z, var1.y);
    F.mul(var1.y, var0.x, var1.x);
    F.mul(var1.y, var0.y, var1.y);
    F.normalize(var1.x);
    F.normalize(var1.y);
  }

  // ---- the verification: Bouncy Castle's implVerify (raw key, no context) ----

  /**
   * Bouncy Castle's {@code Ed25519.verify(sig, sigOff, pk, 0, m, mOff, mLen)}, with the key's
   * checks and tables already made ({@link #key}): the same checks of R, S and the key, the same
   * challenge k, and the same equation, [8]([S]B - [k]A - R) = O (RFC 8032 §5.1.7's cofactored
   * check), so the same verdict.
   *
   * <p>CHANGED: how the equation is evaluated. Bouncy Castle first finds short v0, v1 with v0 = k
   * v1 (mod L) (its {@code reduceBasisVar}) and checks [8]([S v1]B - [v0]A - [v1]R) = O, a 128-bit
   * multiplication of a point it has to tabulate per check (R). Here A's tables are built once per
   * key, for 2^(32 j) A, j &lt; 8, so [k]A splits into parts as [S]B does in Bouncy Castle (its B
   * and B128 tables; here 2^(32 j) B), and R is added once: 32 doublings instead of 128, no lattice
   * reduction and no table of R. The two equations hold for the same inputs: the group has order
   * 8L, so [8v1]X = O exactly when [8]X = O for 0 &lt; |v1| &lt; L, and [v0]A and [k v1]A differ by
   * [mL]A, which [8] takes to O. The curve's addition law is complete (a = -1 a square, d not), so
   * every point, small-order ones included, adds as the group does, in any order.
   */
  static boolean verify(byte[] sig, int sigOff, Key key, byte[] m, int mOff, int mLen, Scratch s) {
    // CHANGED: R and S copied into the scratch, not new arrays
    byte[] var9 = s.r;
    byte[] var10 = s.sBytes;
    System.arraycopy(sig, sigOff, var9, 0, 32);
    System.arraycopy(sig, sigOff + 32, var10, 0, 32);
    if (!checkPointVar(var9, s.y8)) {
      return false;
    }

    int[] var12 = s.nS;
    if (!Ed25519Scalars.checkVar(var10, var12)) {
      return false;
    }

    // CHANGED: checkPointFullVar(A) and decodePointVar(A, true) were done once, in key()
    PointAffine var13 = s.pR;
    if (!decodePointVar(var9, true, var13, s.f)) {
      return false;
    }

    // CHANGED: the scratch's digest and arrays (no dom2: plain Ed25519 has no context)
    Ed25519Scalars.Scratch ss = s.scalars;
    org.bouncycastle.crypto.digests.SHA512Digest var15 = ss.sha512;
    byte[] var16 = ss.hash;
    var15.reset(); // CHANGED: a reused digest; a caller's bad range may have left it dirty
    var15.update(var9, 0, 32);
    var15.update(key.encoded, 0, 32);
    var15.update(m, mOff, mLen);
    var15.doFinal(var16, 0);
    byte[] var17 = Ed25519Scalars.reduce512(var16, ss.k);
    int[] var18 = ss.nK;
    Ed25519Scalars.decode(var17, var18);

    PointAccum var21 = s.acc;
    scalarMultStrausVar(var12, var18, key, var13, var21, s);
    return normalizeToNeutralElementVar(var21);
  }

  /**
   * CHANGED (Bouncy Castle's scalarMultStraus128Var, reshaped): r = [8]([nb]B + [nk](-A) + q), with
   * nb and nk below 2^253 written in wNAF (width 6 for nb, as Bouncy Castle's, {@link
   * #WNAF_WIDTH_KEY} for nk), each cut into {@link #PARTS} parts of {@link #PART_BITS} digit
   * positions that use the tables of 2^(32 j) B and 2^(32 j) (-A), as Bouncy Castle cuts nb at 128
   * for B and B128; and q = -R added once, at the last step, so that it is doubled three times as
   * the rest.
   */
  private static void scalarMultStrausVar(
      int[] nb, int[] nk, Key key, PointAffine q, PointAccum var5, Scratch s) {
    byte[] var6 = s.ws_b;
    byte[] var7 = s.ws_k;
    java.util.Arrays.fill(var6, (byte) 0);
    java.util.Arrays.fill(var7, (byte) 0);
    Ed25519Scalars.getSignedVar(nb, WNAF_WIDTH_BASE, var6, s.wnaf16);
    Ed25519Scalars.getSignedVar(nk, WNAF_WIDTH_KEY, var7, s.wnaf16);
    PointTemp var12 = s.temp;
    pointCopy(q, s.e0);
    PointPrecompZ qz = s.qZ;
    pointCopy(s.e0, qz);
    pointSetNeutral(var5);
    int var13 = PART_BITS;

    do {
      var13--;
    } while (var13 > 0 && allZero(var6, var7, var13));

    // from the top digit down to 0 (at least step 0: q is added there)
    while (var13 >= 0) {
      for (int j = 0; j < PARTS; j++) {
        byte var14 = var6[PART_BITS * j + var13];
        if (var14 != 0) {
          int var15 = var14 >> 1 ^ var14 >> 31;
          pointAddVar(var14 < 0, PRECOMP_BASE_PARTS[j][var15], var5, var12);
        }

        byte var20 = var7[PART_BITS * j + var13];
        if (var20 != 0) {
          int var17 = var20 >> 1 ^ var20 >> 31;
          pointAddVar(var20 < 0, key.tables[j][var17], var5, var12);
        }
      }

      if (var13 == 0) {
        pointAddVar(false, qz, var5, var12);
      }

      pointDouble(var5);
      var13--;
    }

    pointDouble(var5);
    pointDouble(var5);
  }

  private static boolean allZero(byte[] a, byte[] b, int i) {
    for (int j = 0; j < PARTS; j++) {
      if ((a[PART_BITS * j + i] | b[PART_BITS * j + i]) != 0) {
        return false;
      }
    }
    return true;
  }

  // ---- what is kept per key and per thread (CHANGED: all of it) ----

  /**
   * The wNAF width of k: Bouncy Castle's for its 128-bit scalars; 2^(w-2) odd multiples a table.
   */
  static final int WNAF_WIDTH_KEY = WNAF_WIDTH_128;

  private static final int KEY_POINTS = 1 << (WNAF_WIDTH_KEY - 2);

  /**
   * A public key as the raw-key verification uses it: its 32 bytes (hashed into every challenge)
   * and the odd multiples of 2^(32 j) (-A), j &lt; 8, built once (~8 KB). Immutable once built; may
   * be shared between threads.
   */
  static final class Key {
    final byte[] encoded;
    // tables[j]: the odd multiples of 2^(32 j) (-A)
    final PointPrecompZ[][] tables = new PointPrecompZ[PARTS][KEY_POINTS];

    private Key(byte[] encoded) {
      this.encoded = encoded;
      for (PointPrecompZ[] t : tables) {
        for (int i = 0; i < KEY_POINTS; i++) {
          t[i] = new PointPrecompZ();
        }
      }
    }
  }

  /**
   * The key Bouncy Castle's raw-key verification would use for {@code pk} (32 bytes), or null if
   * that verification refuses it whatever the signature: its {@code checkPointFullVar(A)} and
   * {@code decodePointVar(A, true)}; then the tables of 2^(32 j) (-A) (224 doublings, once per key:
   * ~80 µs).
   */
  static Key key(byte[] pk, Scratch s) {
    if (!checkPointFullVar(pk)) {
      return null;
    }
    PointAffine a = s.pA;
    if (!decodePointVar(pk, true, a, s.f)) {
      return null;
    }
    Key k = new Key(pk.clone());
    pointPrecomputeZ(a, k.tables[0], KEY_POINTS, s.temp, s.e0, s.e1);
    PointAccum acc = s.acc;
    F.copy(a.x, 0, acc.x, 0);
    F.copy(a.y, 0, acc.y, 0);
    F.one(acc.z);
    F.copy(acc.x, 0, acc.u, 0);
    F.copy(acc.y, 0, acc.v, 0);
    for (int j = 1; j < PARTS; j++) {
      for (int i = 0; i < PART_BITS; i++) {
        pointDouble(acc);
      }
      pointCopy(acc, s.e0);
      pointPrecomputeZ(k.tables[j], KEY_POINTS, s.temp, s.e0, s.e1);
    }
    return k;
  }

  /** One thread's temporaries: everything a verification writes. */
  static final class Scratch {
    final byte[] r = new byte[32];
    final byte[] sBytes = new byte[32];
    final int[] nS = new int[8];
    final int[] y8 = new int[8];
    final int[][] f = new int[10][];
    final PointAffine pA = new PointAffine();
    final PointAffine pR = new PointAffine();
    final PointExtended e0 = new PointExtended();
    final PointExtended e1 = new PointExtended();
    final PointTemp temp = new PointTemp();
    final PointPrecompZ qZ = new PointPrecompZ();
    final PointAccum acc = new PointAccum();
    final byte[] ws_b = new byte[256];
    final byte[] ws_k = new byte[256];
    final int[] wnaf16 = new int[16];
    final Ed25519Scalars.Scratch scalars = new Ed25519Scalars.Scratch();

    Scratch() {
      for (int i = 0; i < f.length; i++) {
        f[i] = F.create();
      }
    }
  }

  static final class PointAccum {
    int[] x = F.create();
    int[] y = F.create();
    int[] z = F.create();
    int[] u = F.create();
    int[] v = F.create();
  }

  static final class PointAffine {
    int[] x = F.create();
    int[] y = F.create();
  }

  static final class PointExtended {
    int[] x = F.create();
    int[] y = F.create();
    int[] z = F.create();
    int[] t = F.create();
  }

  static final class PointPrecomp {
    int[] ymx_h = F.create();
    int[] ypx_h = F.create();
    int[] xyd = F.create();
  }

  static final class PointPrecompZ {
    int[] ymx_h = F.create();
    int[] ypx_h = F.create();
    int[] xyd = F.create();
    int[] z = F.create();
  }

  static final class PointTemp {
    int[] r0 = F.create();
    int[] r1 = F.create();
  }

  // CHANGED: X25519Field.sqrtRatioVar with its five temporaries from t[2..6]
  private static boolean sqrtRatioVar(int[] var0, int[] var1, int[] var2, int[][] t) {
    int[] var3 = t[2];
    int[] var4 = t[3];
    F.mul(var0, var1, var3);
    F.sqr(var1, var4);
    F.mul(var3, var4, var3);
    F.sqr(var4, var4);
    F.mul(var4, var3, var4);
    int[] var5 = t[4];
    int[] var6 = t[5];
    powPm5d8(var4, var5, var6, t);
    F.mul(var6, var3, var6);
    int[] var7 = t[6];
    F.sqr(var6, var7);
    F.mul(var7, var1, var7);
    F.sub(var7, var0, var5);
    F.normalize(var5);
    if (F.isZeroVar(var5)) {
      F.copy(var6, 0, var2, 0);
      return true;
    } else {
      F.add(var7, var0, var5);
      F.normalize(var5);
      if (F.isZeroVar(var5)) {
        F.mul(var6, ROOT_NEG_ONE, var2);
        return true;
      } else {
        return false;
      }
    }
  }

  // CHANGED: X25519Field.powPm5d8 with its three temporaries from t[7..9]
  private static void powPm5d8(int[] var0, int[] var1, int[] var2, int[][] t) {
    int[] var3 = var1;
    F.sqr(var0, var3);
    F.mul(var0, var3, var3);
    int[] var4 = t[7];
    F.sqr(var3, var4);
    F.mul(var0, var4, var4);
    int[] var5 = var4;
    F.sqr(var4, 2, var5);
    F.mul(var3, var5, var5);
    int[] var6 = t[8];
    F.sqr(var5, 5, var6);
    F.mul(var5, var6, var6);
    int[] var7 = t[9];
    F.sqr(var6, 5, var7);
    F.mul(var5, var7, var7);
    int[] var8 = var5;
    F.sqr(var7, 10, var8);
    F.mul(var6, var8, var8);
    int[] var9 = var6;
    F.sqr(var8, 25, var9);
    F.mul(var8, var9, var9);
    int[] var10 = var7;
    F.sqr(var9, 25, var10);
    F.mul(var8, var10, var10);
    int[] var11 = var8;
    F.sqr(var10, 50, var11);
    F.mul(var9, var11, var11);
    int[] var12 = var9;
    F.sqr(var11, 125, var12);
    F.mul(var11, var12, var12);
    int[] var13 = var11;
    F.sqr(var12, 2, var13);
    F.mul(var13, var0, var2);
  }
}
