package dev.galvani.kernels;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every GEMM kernel against {@link Gemm#naive} (double accumulation). Error bound, per element:
 * |C - C_ref| <= (k + 4) u (|alpha| (|op(A)| |op(B)|)_ij + |beta C_ij|) with u = 2^-24, the
 * classical bound for a float dot product of length k (Higham, Accuracy and Stability, eq. 3.5)
 * plus the alpha, beta and final additions; it holds for any summation order, so blocking and
 * FMA do not loosen it. Elements of the arrays outside the m x n window must be untouched.
 */
class GemmTest {

    interface Kernel {
        void sgemm(boolean transA, boolean transB, int m, int n, int k,
                   float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                   float beta, float[] c, int cOff, int ldc);
    }

    static final Kernel DISPATCH = Gemm::sgemm;
    static final Kernel PLAIN = GemmPlain::sgemm;
    static final Kernel VECTOR = GemmVector::sgemm; // single-threaded, no dispatch

    static final double U = Math.ulp(1f) / 2; // 2^-24

    @Test
    void squareOddSizesAllTransposes() {
        for (int s : new int[] {1, 7, 33, 257}) {
            for (int t = 0; t < 4; t++) {
                check(DISPATCH, t >= 2, t % 2 == 1, s, s, s, 1f, 0f, 0, 0, s);
                if (s < 257) check(VECTOR, t >= 2, t % 2 == 1, s, s, s, 1f, 0f, 0, 0, s);
            }
        }
    }

    @Test
    void mixedSizesWithAlphaBetaOffsetsAndPaddedStrides() {
        int[][] mnk = {{1, 7, 33}, {33, 1, 7}, {7, 33, 1}, {13, 50, 17}, {50, 13, 65}, {6, 32, 8}, {12, 64, 3}};
        float[][] alphaBeta = {{1f, 1f}, {0.5f, -2f}, {-1.5f, 0.25f}, {2f, 0f}};
        for (int[] s : mnk) {
            for (int t = 0; t < 4; t++) {
                for (float[] ab : alphaBeta) {
                    check(DISPATCH, t >= 2, t % 2 == 1, s[0], s[1], s[2], ab[0], ab[1], 5, 3, 11);
                    check(VECTOR, t >= 2, t % 2 == 1, s[0], s[1], s[2], ab[0], ab[1], 2, 7, 1);
                }
            }
        }
    }

    @Test
    void plainFallbackMatchesNaive() {
        int[][] mnk = {{1, 1, 1}, {7, 7, 7}, {33, 33, 33}, {7, 33, 1}, {13, 50, 17}};
        for (int[] s : mnk) {
            for (int t = 0; t < 4; t++) {
                check(PLAIN, t >= 2, t % 2 == 1, s[0], s[1], s[2], 1f, 0f, 0, 0, 0);
                check(PLAIN, t >= 2, t % 2 == 1, s[0], s[1], s[2], -0.75f, 1.5f, 4, 9, 2);
            }
        }
    }

    @Test
    void blockBoundariesAndThreadSplits() {
        check(DISPATCH, false, false, 13, 37, 1100, 1f, 0.5f, 1, 2, 3);  // k > KC: C accumulates over K blocks
        check(DISPATCH, true, true, 7, 1100, 9, 1f, 1f, 0, 0, 5);       // n > NC
        check(DISPATCH, false, true, 301, 150, 120, 1f, 0f, 0, 0, 0);   // rows split across threads
        check(DISPATCH, true, false, 20, 601, 400, 1f, -1f, 3, 1, 4);   // columns split across threads
        check(VECTOR, true, false, 101, 99, 1030, 0.5f, 2f, 1, 1, 1);   // MC and KC edges, one thread
        check(VECTOR, false, false, 1031, 1030, 20, 1f, 0f, 2, 1, 3);   // packed blocks of A: two MC blocks, edge rows
        check(VECTOR, true, true, 13, 1040, 1100, -0.5f, 1f, 1, 2, 0);  // packed transposed A over two K blocks
    }

    /**
     * Each element of C is the same sum in the same order whether A is read in place (few columns)
     * or packed in blocks (n >= PACK_A_COLUMNS), and whatever the block of columns it falls in:
     * so the columns of a narrow product equal those of a wide one bit for bit.
     */
    @Test
    void blockingOverRowsAndColumnsKeepsTheBits() {
        SplittableRandom rng = new SplittableRandom(5);
        int m = 1033, k = 1500, wide = 1100, narrow = 70;
        for (boolean transA : new boolean[] {false, true}) {
            float[] a = random(rng, m * k), b = random(rng, k * wide);
            float[] cWide = new float[m * wide], cNarrow = new float[m * narrow];
            int lda = transA ? m : k;
            GemmVector.sgemm(transA, false, m, wide, k, 1f, a, 0, lda, b, 0, wide, 0f, cWide, 0, wide);
            GemmVector.sgemm(transA, false, m, narrow, k, 1f, a, 0, lda, b, 0, wide, 0f, cNarrow, 0, narrow);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < narrow; j++) {
                    if (Float.floatToIntBits(cWide[i * wide + j]) != Float.floatToIntBits(cNarrow[i * narrow + j])) {
                        fail("transA=" + transA + ": C[" + i + "][" + j + "] " + cWide[i * wide + j] + " (n = " + wide
                                + ") != " + cNarrow[i * narrow + j] + " (n = " + narrow + ")");
                    }
                }
            }
        }
    }

    @Test
    void betaZeroIgnoresNaNInC() {
        float[] a = {1, 2, 3, 4}, b = {5, 6, 7, 8};
        for (Kernel kernel : new Kernel[] {DISPATCH, PLAIN, VECTOR}) {
            float[] c = {Float.NaN, Float.NaN, Float.NaN, Float.NaN};
            kernel.sgemm(false, false, 2, 2, 2, 1f, a, 0, 2, b, 0, 2, 0f, c, 0, 2);
            assertEquals(List.of(19f, 22f, 43f, 50f), List.of(c[0], c[1], c[2], c[3]), "hand-computed [[1,2],[3,4]] [[5,6],[7,8]]");
        }
    }

    @Test
    void zeroDepthScalesC() {
        float[] c = {1, 2, 3, 4, 5, 6};
        Gemm.sgemm(false, false, 2, 3, 0, 1f, new float[0], 0, 1, new float[0], 0, 3, 2f, c, 0, 3);
        assertEquals(12f, c[5]);
        assertEquals(2f, c[0]);
    }

    @Test
    void implementationNamesTheKernel() {
        String impl = Gemm.implementation();
        boolean vectorModule = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        if (vectorModule) {
            assertEquals("vector-api(" + GemmVector.bitSize() + "-bit)", impl);
        } else {
            assertEquals("plain-java", impl);
        }
        assertTrue(Gemm.threads() >= 1);
    }

    /**
     * C = alpha op(A) op(B) + beta C through {@code kernel} and through {@link Gemm#naive}, with A,
     * B, C at nonzero offsets and leading dimensions {@code pad*} larger than the rows need.
     */
    static void check(Kernel kernel, boolean transA, boolean transB, int m, int n, int k,
                      float alpha, float beta, int padA, int padB, int padC) {
        SplittableRandom rng = new SplittableRandom(31L * m + 7L * n + k + (transA ? 1000 : 0) + (transB ? 2000 : 0));
        int aRows = transA ? k : m, aCols = transA ? m : k;
        int bRows = transB ? n : k, bCols = transB ? k : n;
        int lda = aCols + padA, ldb = bCols + padB, ldc = n + padC;
        int aOff = 3 + padA, bOff = 1 + padB, cOff = 2 + padC;
        float[] a = random(rng, aOff + aRows * lda + 5);
        float[] b = random(rng, bOff + bRows * ldb + 5);
        float[] c = random(rng, cOff + m * ldc + 5);
        float[] before = c.clone(), expected = c.clone();
        Gemm.naive(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, expected, cOff, ldc);
        kernel.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        String where = String.format("%s transA=%b transB=%b m=%d n=%d k=%d alpha=%s beta=%s lda=%d ldb=%d ldc=%d",
                kernel == PLAIN ? "plain" : kernel == VECTOR ? "vector" : "dispatch",
                transA, transB, m, n, k, alpha, beta, lda, ldb, ldc);
        for (int idx = 0; idx < c.length; idx++) {
            int rel = idx - cOff;
            int i = rel >= 0 ? rel / ldc : -1, j = rel >= 0 ? rel % ldc : -1;
            if (i < 0 || i >= m || j >= n) {
                if (Float.floatToIntBits(c[idx]) != Float.floatToIntBits(expected[idx])) {
                    fail(where + ": element " + idx + " outside the m x n window changed");
                }
                continue;
            }
            double absProduct = 0;
            for (int p = 0; p < k; p++) {
                float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                float bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                absProduct += Math.abs((double) av * bv);
            }
            double cIn = beta == 0f ? 0 : Math.abs((double) beta * before[idx]);
            double bound = (k + 4) * U * (Math.abs(alpha) * absProduct + cIn) + Float.MIN_NORMAL;
            double err = Math.abs((double) c[idx] - expected[idx]);
            if (!(err <= bound)) {
                fail(where + String.format(": C[%d,%d] = %s, naive %s, error %.3g > bound %.3g",
                        i, j, c[idx], expected[idx], err, bound));
            }
        }
    }

    private static float[] random(SplittableRandom rng, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) x[i] = (float) (rng.nextDouble() * 2 - 1);
        return x;
    }
}
