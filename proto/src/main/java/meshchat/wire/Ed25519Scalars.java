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

import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.math.raw.Nat256;

/**
 * The scalar half of Ed25519 verification: a trimmed copy of Bouncy Castle 1.87's package-private
 * {@code Scalar25519} (S's check, the challenge's reduction mod L), {@code Wnaf} and {@code Codec}
 * (MIT licence above), transcribed from the class files of the {@code bcprov-jdk18on-1.87} jar on
 * Maven Central, for {@link Ed25519Points}. The arithmetic is unchanged; what changed is marked
 * {@code CHANGED}: the arrays Bouncy Castle made per call come from a {@link Scratch}, one per
 * thread. Its lattice reduction ({@code reduceBasisVar}, {@code ScalarUtil}) is left out: {@link
 * Ed25519Points#verify} does not use it. Pinned against Bouncy Castle by {@code
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
  }

  private static final int[] L =
      new int[] {1559614445, 1477600026, -1560830762, 350157278, 0, 0, 0, 268435456};
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
