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

import java.util.Arrays;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.math.raw.Nat256;

/**
 * The scalar half of Ed25519 verification: a trimmed copy of Bouncy Castle 1.87's package-private
 * {@code Scalar25519}, {@code ScalarUtil}, {@code Wnaf} and {@code Codec} (MIT licence above),
 * transcribed from the class files of the {@code bcprov-jdk18on-1.87} jar on Maven Central, for
 * {@link Ed25519Points}. The arithmetic is unchanged; what changed is marked {@code CHANGED}: the
 * arrays Bouncy Castle made per call come from a {@link Scratch}, one per thread, and {@code
 * Integers.bitLength} is the JDK's equivalent. Pinned against Bouncy Castle by {@code
 * Ed25519VerifierTest}.
 */
final class Ed25519Scalars {
  private Ed25519Scalars() {}

  /** One thread's scalar temporaries (CHANGED: Bouncy Castle allocates each per call). */
  static final class Scratch {
    final SHA512Digest sha512 = new SHA512Digest();
    final byte[] hash = new byte[64];
    final byte[] k = new byte[32];
    final int[] nK = new int[8];
    final int[] v0 = new int[4];
    final int[] v1 = new int[4];
    final int[][] basis16 = {new int[16], new int[16], new int[16], new int[16]};
    final int[][] basis4 = {new int[4], new int[4], new int[4], new int[4]};
    final int[] product = new int[12];
    final byte[] product48 = new byte[48];
    final byte[] reduced = new byte[64];
  }

  /** org.bouncycastle.util.Integers.bitLength: the JDK's, as Bouncy Castle's is. */
  private static int bitLength(int i) {
    return 32 - Integer.numberOfLeadingZeros(i);
  }

  private static final int SCALAR_BYTES = 32;
  private static final long M08L = 255L;
  private static final long M28L = 268435455L;
  private static final long M32L = 4294967295L;
  private static final int TARGET_LENGTH = 254;
  private static final int[] L =
      new int[] {1559614445, 1477600026, -1560830762, 350157278, 0, 0, 0, 268435456};
  private static final int[] LSq =
      new int[] {
        -1424848535,
        -487721339,
        580428573,
        1745064566,
        -770181698,
        1036971123,
        461123738,
        -1582065343,
        1268693629,
        -889041821,
        -731974758,
        43769659,
        0,
        0,
        0,
        16777216
      };
  private static final int L0 = -50998291;
  private static final int L1 = 19280294;
  private static final int L2 = 127719000;
  private static final int L3 = -6428113;
  private static final int L4 = 5343;

  static boolean checkVar(byte[] var0, int[] var1) {
    decode(var0, var1);
    return !Nat256.gte(var1, L);
  }

  static void decode(byte[] var0, int[] var1) {
    decode32(var0, 0, var1, 0, 8);
  }

  static void multiply128Var(int[] var0, int[] var1, int[] var2, Scratch s) {
    int[] var3 = s.product;
    Arrays.fill(var3, 0); // CHANGED: scratch in place of a new int[12]
    Nat256.mul128(var0, var1, var3);
    if (var1[3] < 0) {
      Nat256.addTo(L, 0, var3, 4, 0);
      Nat256.subFrom(var0, 0, var3, 4, 0);
    }

    byte[] var4 = s.product48; // CHANGED: scratch in place of a new byte[48]
    encode32(var3, 0, 12, var4, 0);
    byte[] var5 = reduce384(var4, s.reduced);
    decode(var5, var2);
  }

  static byte[] reduce384(byte[] var0, byte[] var31) {
    long var1 = decode32(var0, 0) & 4294967295L;
    long var3 = decode24(var0, 4) << 4 & 4294967295L;
    long var5 = decode32(var0, 7) & 4294967295L;
    long var7 = decode24(var0, 11) << 4 & 4294967295L;
    long var9 = decode32(var0, 14) & 4294967295L;
    long var11 = decode24(var0, 18) << 4 & 4294967295L;
    long var13 = decode32(var0, 21) & 4294967295L;
    long var15 = decode24(var0, 25) << 4 & 4294967295L;
    long var17 = decode32(var0, 28) & 4294967295L;
    long var19 = decode24(var0, 32) << 4 & 4294967295L;
    long var21 = decode32(var0, 35) & 4294967295L;
    long var23 = decode24(var0, 39) << 4 & 4294967295L;
    long var25 = decode32(var0, 42) & 4294967295L;
    long var27 = decode16(var0, 46) << 4 & 4294967295L;
    var27 += var25 >> 28;
    var25 &= 268435455L;
    var9 -= var27 * -50998291L;
    var11 -= var27 * 19280294L;
    var13 -= var27 * 127719000L;
    var15 -= var27 * -6428113L;
    var17 -= var27 * 5343L;
    var25 += var23 >> 28;
    var23 &= 268435455L;
    var7 -= var25 * -50998291L;
    var9 -= var25 * 19280294L;
    var11 -= var25 * 127719000L;
    var13 -= var25 * -6428113L;
    var15 -= var25 * 5343L;
    var23 += var21 >> 28;
    var21 &= 268435455L;
    var5 -= var23 * -50998291L;
    var7 -= var23 * 19280294L;
    var9 -= var23 * 127719000L;
    var11 -= var23 * -6428113L;
    var13 -= var23 * 5343L;
    var21 += var19 >> 28;
    var19 &= 268435455L;
    var3 -= var21 * -50998291L;
    var5 -= var21 * 19280294L;
    var7 -= var21 * 127719000L;
    var9 -= var21 * -6428113L;
    var11 -= var21 * 5343L;
    var17 += var15 >> 28;
    var15 &= 268435455L;
    var19 += var17 >> 28;
    var17 &= 268435455L;
    long var29 = var17 >>> 27;
    var19 += var29;
    var1 -= var19 * -50998291L;
    var3 -= var19 * 19280294L;
    var5 -= var19 * 127719000L;
    var7 -= var19 * -6428113L;
    var9 -= var19 * 5343L;
    var3 += var1 >> 28;
    var1 &= 268435455L;
    var5 += var3 >> 28;
    var3 &= 268435455L;
    var7 += var5 >> 28;
    var5 &= 268435455L;
    var9 += var7 >> 28;
    var7 &= 268435455L;
    var11 += var9 >> 28;
    var9 &= 268435455L;
    var13 += var11 >> 28;
    var11 &= 268435455L;
    var15 += var13 >> 28;
    var13 &= 268435455L;
    var17 += var15 >> 28;
    var15 &= 268435455L;
    var19 = var17 >> 28;
    var17 &= 268435455L;
    var19 -= var29;
    var1 += var19 & -50998291L;
    var3 += var19 & 19280294L;
    var5 += var19 & 127719000L;
    var7 += var19 & -6428113L;
    var9 += var19 & 5343L;
    var3 += var1 >> 28;
    var1 &= 268435455L;
    var5 += var3 >> 28;
    var3 &= 268435455L;
    var7 += var5 >> 28;
    var5 &= 268435455L;
    var9 += var7 >> 28;
    var7 &= 268435455L;
    var11 += var9 >> 28;
    var9 &= 268435455L;
    var13 += var11 >> 28;
    var11 &= 268435455L;
    var15 += var13 >> 28;
    var13 &= 268435455L;
    var17 += var15 >> 28;
    var15 &= 268435455L;
    // CHANGED: written into the caller's var31 (64 bytes, as the array it made before)
    encode56(var1 | var3 << 28, var31, 0);
    encode56(var5 | var7 << 28, var31, 7);
    encode56(var9 | var11 << 28, var31, 14);
    encode56(var13 | var15 << 28, var31, 21);
    encode32((int) var17, var31, 28);
    return var31;
  }

  static byte[] reduce512(byte[] var0, byte[] var41) {
    long var1 = decode32(var0, 0) & 4294967295L;
    long var3 = decode24(var0, 4) << 4 & 4294967295L;
    long var5 = decode32(var0, 7) & 4294967295L;
    long var7 = decode24(var0, 11) << 4 & 4294967295L;
    long var9 = decode32(var0, 14) & 4294967295L;
    long var11 = decode24(var0, 18) << 4 & 4294967295L;
    long var13 = decode32(var0, 21) & 4294967295L;
    long var15 = decode24(var0, 25) << 4 & 4294967295L;
    long var17 = decode32(var0, 28) & 4294967295L;
    long var19 = decode24(var0, 32) << 4 & 4294967295L;
    long var21 = decode32(var0, 35) & 4294967295L;
    long var23 = decode24(var0, 39) << 4 & 4294967295L;
    long var25 = decode32(var0, 42) & 4294967295L;
    long var27 = decode24(var0, 46) << 4 & 4294967295L;
    long var29 = decode32(var0, 49) & 4294967295L;
    long var31 = decode24(var0, 53) << 4 & 4294967295L;
    long var33 = decode32(var0, 56) & 4294967295L;
    long var35 = decode24(var0, 60) << 4 & 4294967295L;
    long var37 = var0[63] & 255L;
    var19 -= var37 * -50998291L;
    var21 -= var37 * 19280294L;
    var23 -= var37 * 127719000L;
    var25 -= var37 * -6428113L;
    var27 -= var37 * 5343L;
    var35 += var33 >> 28;
    var33 &= 268435455L;
    var17 -= var35 * -50998291L;
    var19 -= var35 * 19280294L;
    var21 -= var35 * 127719000L;
    var23 -= var35 * -6428113L;
    var25 -= var35 * 5343L;
    var15 -= var33 * -50998291L;
    var17 -= var33 * 19280294L;
    var19 -= var33 * 127719000L;
    var21 -= var33 * -6428113L;
    var23 -= var33 * 5343L;
    var31 += var29 >> 28;
    var29 &= 268435455L;
    var13 -= var31 * -50998291L;
    var15 -= var31 * 19280294L;
    var17 -= var31 * 127719000L;
    var19 -= var31 * -6428113L;
    var21 -= var31 * 5343L;
    var11 -= var29 * -50998291L;
    var13 -= var29 * 19280294L;
    var15 -= var29 * 127719000L;
    var17 -= var29 * -6428113L;
    var19 -= var29 * 5343L;
    var27 += var25 >> 28;
    var25 &= 268435455L;
    var9 -= var27 * -50998291L;
    var11 -= var27 * 19280294L;
    var13 -= var27 * 127719000L;
    var15 -= var27 * -6428113L;
    var17 -= var27 * 5343L;
    var25 += var23 >> 28;
    var23 &= 268435455L;
    var7 -= var25 * -50998291L;
    var9 -= var25 * 19280294L;
    var11 -= var25 * 127719000L;
    var13 -= var25 * -6428113L;
    var15 -= var25 * 5343L;
    var23 += var21 >> 28;
    var21 &= 268435455L;
    var5 -= var23 * -50998291L;
    var7 -= var23 * 19280294L;
    var9 -= var23 * 127719000L;
    var11 -= var23 * -6428113L;
    var13 -= var23 * 5343L;
    var21 += var19 >> 28;
    var19 &= 268435455L;
    var3 -= var21 * -50998291L;
    var5 -= var21 * 19280294L;
    var7 -= var21 * 127719000L;
    var9 -= var21 * -6428113L;
    var11 -= var21 * 5343L;
    var17 += var15 >> 28;
    var15 &= 268435455L;
    var19 += var17 >> 28;
    var17 &= 268435455L;
    long var39 = var17 >>> 27;
    var19 += var39;
    var1 -= var19 * -50998291L;
    var3 -= var19 * 19280294L;
    var5 -= var19 * 127719000L;
    var7 -= var19 * -6428113L;
    var9 -= var19 * 5343L;
    var3 += var1 >> 28;
    var1 &= 268435455L;
    var5 += var3 >> 28;
    var3 &= 268435455L;
    var7 += var5 >> 28;
    var5 &= 268435455L;
    var9 += var7 >> 28;
    var7 &= 268435455L;
    var11 += var9 >> 28;
    var9 &= 268435455L;
    var13 += var11 >> 28;
    var11 &= 268435455L;
    var15 += var13 >> 28;
    var13 &= 268435455L;
    var17 += var15 >> 28;
    var15 &= 268435455L;
    var19 = var17 >> 28;
    var17 &= 268435455L;
    var19 -= var39;
    var1 += var19 & -50998291L;
    var3 += var19 & 19280294L;
    var5 += var19 & 127719000L;
    var7 += var19 & -6428113L;
    var9 += var19 & 5343L;
    var3 += var1 >> 28;
    var1 &= 268435455L;
    var5 += var3 >> 28;
    var3 &= 268435455L;
    var7 += var5 >> 28;
    var5 &= 268435455L;
    var9 += var7 >> 28;
    var7 &= 268435455L;
    var11 += var9 >> 28;
    var9 &= 268435455L;
    var13 += var11 >> 28;
    var11 &= 268435455L;
    var15 += var13 >> 28;
    var13 &= 268435455L;
    var17 += var15 >> 28;
    var15 &= 268435455L;
    // CHANGED: written into the caller's var41 (32 bytes, as the array it made before)
    encode56(var1 | var3 << 28, var41, 0);
    encode56(var5 | var7 << 28, var41, 7);
    encode56(var9 | var11 << 28, var41, 14);
    encode56(var13 | var15 << 28, var41, 21);
    encode32((int) var17, var41, 28);
    return var41;
  }

  static boolean reduceBasisVar(int[] var0, int[] var1, int[] var2, Scratch s) {
    // CHANGED: the scratch's arrays, cleared, in place of new ones
    int[] var3 = s.basis16[0];
    System.arraycopy(LSq, 0, var3, 0, 16);
    int[] var4 = s.basis16[1];
    Arrays.fill(var4, 0);
    Nat256.square(var0, var4);
    var4[0]++;
    int[] var5 = s.basis16[2];
    Arrays.fill(var5, 0);
    Nat256.mul(L, var0, var5);
    int[] var6 = s.basis16[3];
    Arrays.fill(var6, 0);
    int[] var7 = s.basis4[0];
    System.arraycopy(L, 0, var7, 0, 4);
    int[] var8 = s.basis4[1];
    Arrays.fill(var8, 0);
    int[] var9 = s.basis4[2];
    System.arraycopy(var0, 0, var9, 0, 4);
    int[] var10 = s.basis4[3];
    Arrays.fill(var10, 0);
    var10[0] = 1;
    int var11 = 1016;
    int var12 = 15;
    int var13 = getBitLengthPositive(var12, var4);

    while (var13 > 254) {
      if (--var11 < 0) {
        return false;
      }

      int var14 = getBitLength(var12, var5);
      int var15 = var14 - var13;
      var15 &= ~(var15 >> 31);
      if (var5[var12] < 0) {
        addShifted_NP(var12, var15, var3, var4, var5, var6);
        addShifted_UV(3, var15, var7, var8, var9, var10);
      } else {
        subShifted_NP(var12, var15, var3, var4, var5, var6);
        subShifted_UV(3, var15, var7, var8, var9, var10);
      }

      if (lessThanUnsigned(var12, var3, var4)) {
        int[] var16 = var7;
        var7 = var9;
        var9 = var16;
        int[] var17 = var8;
        var8 = var10;
        var10 = var17;
        int[] var18 = var3;
        var3 = var4;
        var4 = var18;
        var12 = var13 >>> 5;
        var13 = getBitLengthPositive(var12, var4);
      }
    }

    System.arraycopy(var9, 0, var1, 0, 4);
    System.arraycopy(var10, 0, var2, 0, 4);
    return true;
  }

  // ---- ScalarUtil ----

  private static final long M = 4294967295L;

  static void addShifted_NP(int var0, int var1, int[] var2, int[] var3, int[] var4, int[] var5) {
    long var6 = 0L;
    long var8 = 0L;
    if (var1 == 0) {
      for (int var10 = 0; var10 <= var0; var10++) {
        int var11 = var4[var10];
        var8 += var2[var10] & 4294967295L;
        var8 += var11 & 4294967295L;
        var6 += var11 & 4294967295L;
        var6 += var3[var10] & 4294967295L;
        var11 = (int) var6;
        var6 >>>= 32;
        var4[var10] = var11;
        var8 += var11 & 4294967295L;
        var2[var10] = (int) var8;
        var8 >>>= 32;
      }
    } else if (var1 < 32) {
      int var42 = 0;
      int var45 = 0;
      int var12 = 0;

      for (int var13 = 0; var13 <= var0; var13++) {
        int var14 = var4[var13];
        int var15 = var14 << var1 | var42 >>> -var1;
        var42 = var14;
        var8 += var2[var13] & 4294967295L;
        var8 += var15 & 4294967295L;
        int var16 = var3[var13];
        int var17 = var16 << var1 | var12 >>> -var1;
        var12 = var16;
        var6 += var14 & 4294967295L;
        var6 += var17 & 4294967295L;
        var14 = (int) var6;
        var6 >>>= 32;
        var4[var13] = var14;
        int var18 = var14 << var1 | var45 >>> -var1;
        var45 = var14;
        var8 += var18 & 4294967295L;
        var2[var13] = (int) var8;
        var8 >>>= 32;
      }
    } else {
      System.arraycopy(var4, 0, var5, 0, var0);
      int var43 = var1 >>> 5;
      int var46 = var1 & 31;
      if (var46 == 0) {
        for (int var47 = var43; var47 <= var0; var47++) {
          var8 += var2[var47] & 4294967295L;
          var8 += var5[var47 - var43] & 4294967295L;
          var6 += var4[var47] & 4294967295L;
          var6 += var3[var47 - var43] & 4294967295L;
          var4[var47] = (int) var6;
          var6 >>>= 32;
          var8 += var4[var47 - var43] & 4294967295L;
          var2[var47] = (int) var8;
          var8 >>>= 32;
        }
      } else {
        int var48 = 0;
        int var49 = 0;
        int var51 = 0;

        for (int var52 = var43; var52 <= var0; var52++) {
          int var53 = var5[var52 - var43];
          int var54 = var53 << var46 | var48 >>> -var46;
          var48 = var53;
          var8 += var2[var52] & 4294967295L;
          var8 += var54 & 4294967295L;
          int var55 = var3[var52 - var43];
          int var19 = var55 << var46 | var51 >>> -var46;
          var51 = var55;
          var6 += var4[var52] & 4294967295L;
          var6 += var19 & 4294967295L;
          var4[var52] = (int) var6;
          var6 >>>= 32;
          int var20 = var4[var52 - var43];
          int var21 = var20 << var46 | var49 >>> -var46;
          var49 = var20;
          var8 += var21 & 4294967295L;
          var2[var52] = (int) var8;
          var8 >>>= 32;
        }
      }
    }
  }

  static void addShifted_UV(int var0, int var1, int[] var2, int[] var3, int[] var4, int[] var5) {
    int var6 = var1 >>> 5;
    int var7 = var1 & 31;
    long var8 = 0L;
    long var10 = 0L;
    if (var7 == 0) {
      for (int var12 = var6; var12 <= var0; var12++) {
        var8 += var2[var12] & 4294967295L;
        var10 += var3[var12] & 4294967295L;
        var8 += var4[var12 - var6] & 4294967295L;
        var10 += var5[var12 - var6] & 4294967295L;
        var2[var12] = (int) var8;
        var8 >>>= 32;
        var3[var12] = (int) var10;
        var10 >>>= 32;
      }
    } else {
      int var27 = 0;
      int var13 = 0;

      for (int var14 = var6; var14 <= var0; var14++) {
        int var15 = var4[var14 - var6];
        int var16 = var5[var14 - var6];
        int var17 = var15 << var7 | var27 >>> -var7;
        int var18 = var16 << var7 | var13 >>> -var7;
        var27 = var15;
        var13 = var16;
        var8 += var2[var14] & 4294967295L;
        var10 += var3[var14] & 4294967295L;
        var8 += var17 & 4294967295L;
        var10 += var18 & 4294967295L;
        var2[var14] = (int) var8;
        var8 >>>= 32;
        var3[var14] = (int) var10;
        var10 >>>= 32;
      }
    }
  }

  static int getBitLength(int var0, int[] var1) {
    int var2 = var0;
    int var3 = var1[var2] >> 31;

    while (var2 > 0 && var1[var2] == var3) {
      var2--;
    }

    return var2 * 32 + bitLength(var1[var2] ^ var3);
  }

  static int getBitLengthPositive(int var0, int[] var1) {
    int var2 = var0;

    while (var2 > 0 && var1[var2] == 0) {
      var2--;
    }

    return var2 * 32 + bitLength(var1[var2]);
  }

  static boolean lessThanUnsigned(int var0, int[] var1, int[] var2) {
    int var3 = var0;

    do {
      int var4 = var1[var3] + Integer.MIN_VALUE;
      int var5 = var2[var3] + Integer.MIN_VALUE;
      if (var4 < var5) {
        return true;
      }

      if (var4 > var5) {
        return false;
      }
    } while (--var3 >= 0);

    return false;
  }

  static void subShifted_NP(int var0, int var1, int[] var2, int[] var3, int[] var4, int[] var5) {
    long var6 = 0L;
    long var8 = 0L;
    if (var1 == 0) {
      for (int var10 = 0; var10 <= var0; var10++) {
        int var11 = var4[var10];
        var8 += var2[var10] & 4294967295L;
        var8 -= var11 & 4294967295L;
        var6 += var11 & 4294967295L;
        var6 -= var3[var10] & 4294967295L;
        var11 = (int) var6;
        var6 >>= 32;
        var4[var10] = var11;
        var8 -= var11 & 4294967295L;
        var2[var10] = (int) var8;
        var8 >>= 32;
      }
    } else if (var1 < 32) {
      int var42 = 0;
      int var45 = 0;
      int var12 = 0;

      for (int var13 = 0; var13 <= var0; var13++) {
        int var14 = var4[var13];
        int var15 = var14 << var1 | var42 >>> -var1;
        var42 = var14;
        var8 += var2[var13] & 4294967295L;
        var8 -= var15 & 4294967295L;
        int var16 = var3[var13];
        int var17 = var16 << var1 | var12 >>> -var1;
        var12 = var16;
        var6 += var14 & 4294967295L;
        var6 -= var17 & 4294967295L;
        var14 = (int) var6;
        var6 >>= 32;
        var4[var13] = var14;
        int var18 = var14 << var1 | var45 >>> -var1;
        var45 = var14;
        var8 -= var18 & 4294967295L;
        var2[var13] = (int) var8;
        var8 >>= 32;
      }
    } else {
      System.arraycopy(var4, 0, var5, 0, var0);
      int var43 = var1 >>> 5;
      int var46 = var1 & 31;
      if (var46 == 0) {
        for (int var47 = var43; var47 <= var0; var47++) {
          var8 += var2[var47] & 4294967295L;
          var8 -= var5[var47 - var43] & 4294967295L;
          var6 += var4[var47] & 4294967295L;
          var6 -= var3[var47 - var43] & 4294967295L;
          var4[var47] = (int) var6;
          var6 >>= 32;
          var8 -= var4[var47 - var43] & 4294967295L;
          var2[var47] = (int) var8;
          var8 >>= 32;
        }
      } else {
        int var48 = 0;
        int var49 = 0;
        int var51 = 0;

        for (int var52 = var43; var52 <= var0; var52++) {
          int var53 = var5[var52 - var43];
          int var54 = var53 << var46 | var48 >>> -var46;
          var48 = var53;
          var8 += var2[var52] & 4294967295L;
          var8 -= var54 & 4294967295L;
          int var55 = var3[var52 - var43];
          int var19 = var55 << var46 | var51 >>> -var46;
          var51 = var55;
          var6 += var4[var52] & 4294967295L;
          var6 -= var19 & 4294967295L;
          var4[var52] = (int) var6;
          var6 >>= 32;
          int var20 = var4[var52 - var43];
          int var21 = var20 << var46 | var49 >>> -var46;
          var49 = var20;
          var8 -= var21 & 4294967295L;
          var2[var52] = (int) var8;
          var8 >>= 32;
        }
      }
    }
  }

  static void subShifted_UV(int var0, int var1, int[] var2, int[] var3, int[] var4, int[] var5) {
    int var6 = var1 >>> 5;
    int var7 = var1 & 31;
    long var8 = 0L;
    long var10 = 0L;
    if (var7 == 0) {
      for (int var12 = var6; var12 <= var0; var12++) {
        var8 += var2[var12] & 4294967295L;
        var10 += var3[var12] & 4294967295L;
        var8 -= var4[var12 - var6] & 4294967295L;
        var10 -= var5[var12 - var6] & 4294967295L;
        var2[var12] = (int) var8;
        var8 >>= 32;
        var3[var12] = (int) var10;
        var10 >>= 32;
      }
    } else {
      int var27 = 0;
      int var13 = 0;

      for (int var14 = var6; var14 <= var0; var14++) {
        int var15 = var4[var14 - var6];
        int var16 = var5[var14 - var6];
        int var17 = var15 << var7 | var27 >>> -var7;
        int var18 = var16 << var7 | var13 >>> -var7;
        var27 = var15;
        var13 = var16;
        var8 += var2[var14] & 4294967295L;
        var10 += var3[var14] & 4294967295L;
        var8 -= var17 & 4294967295L;
        var10 -= var18 & 4294967295L;
        var2[var14] = (int) var8;
        var8 >>= 32;
        var3[var14] = (int) var10;
        var10 >>= 32;
      }
    }
  }

  // ---- Wnaf ----

  static void getSignedVar(int[] var0, int var1, byte[] var2, int[] var3) {
    // CHANGED: var3 is the caller's (var0.length * 2 ints, every one written below); var2 must
    // be zero on entry, as the new array it was
    if (var3.length != var0.length * 2) {
      throw new IllegalArgumentException();
    }
    int var4 = var0[var0.length - 1] >> 31;
    int var5 = var0.length;
    int var6 = var3.length;

    while (--var5 >= 0) {
      int var7 = var0[var5];
      var3[--var6] = var7 >>> 16 | var4 << 16;
      var6--;
      var4 = var7;
      var3[var6] = var7;
    }

    var4 = 32 - var1;
    var5 = 0;
    var6 = 0;

    for (int var16 = 0; var16 < var3.length; var5 -= 16) {
      int var8 = var3[var16];

      while (var5 < 16) {
        int var9 = var8 >>> var5;
        int var10 = var9 & 1;
        if (var10 == var6) {
          var5++;
        } else {
          int var11 = (var9 | 1) << var4;
          var6 = var11 >>> 31;
          var2[(var16 << 4) + var5] = (byte) (var11 >> var4);
          var5 += var1;
        }
      }

      var16++;
    }
  }

  // ---- Codec ----

  static int decode16(byte[] var0, int var1) {
    int var2 = var0[var1] & 255;
    return var2 | (var0[++var1] & 0xFF) << 8;
  }

  static int decode24(byte[] var0, int var1) {
    int var2 = var0[var1] & 255;
    var2 |= (var0[++var1] & 255) << 8;
    return var2 | (var0[++var1] & 0xFF) << 16;
  }

  static int decode32(byte[] var0, int var1) {
    int var2 = var0[var1] & 255;
    var2 |= (var0[++var1] & 255) << 8;
    var2 |= (var0[++var1] & 255) << 16;
    return var2 | var0[++var1] << 24;
  }

  static void decode32(byte[] var0, int var1, int[] var2, int var3, int var4) {
    for (int var5 = 0; var5 < var4; var5++) {
      var2[var3 + var5] = decode32(var0, var1 + var5 * 4);
    }
  }

  static void encode24(int var0, byte[] var1, int var2) {
    var1[var2] = (byte) var0;
    var1[++var2] = (byte) (var0 >>> 8);
    var1[++var2] = (byte) (var0 >>> 16);
  }

  static void encode32(int var0, byte[] var1, int var2) {
    var1[var2] = (byte) var0;
    var1[++var2] = (byte) (var0 >>> 8);
    var1[++var2] = (byte) (var0 >>> 16);
    var1[++var2] = (byte) (var0 >>> 24);
  }

  static void encode32(int[] var0, int var1, int var2, byte[] var3, int var4) {
    for (int var5 = 0; var5 < var2; var5++) {
      encode32(var0[var1 + var5], var3, var4 + var5 * 4);
    }
  }

  static void encode56(long var0, byte[] var2, int var3) {
    encode32((int) var0, var2, var3);
    encode24((int) (var0 >>> 32), var2, var3 + 4);
  }
}
