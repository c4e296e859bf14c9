package dev.galvani.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * Vector API GEMM (one thread; {@link Gemm} splits large problems across threads), in the GotoBLAS
 * / BLIS layout: op(B) is packed in KC x NC blocks, op(A) in MC x KC blocks, both cut into
 * micro-panels that {@link #kernel6x2} streams with unit stride. The packing reads all four
 * transpose combinations, so the kernel sees one layout only. Edge tiles are zero-padded in the
 * packed panels and written back through a small tile buffer.
 *
 * <p>Loaded only when {@code jdk.incubator.vector} is in the boot layer (see {@link Gemm}).
 */
final class GemmVector {

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    static final int MR = 6;
    static final int NR = 2 * L;
    /**
     * Block sizes, tuned on Zen 4 (32 KiB L1d, 1 MiB L2) at n = 1024. A large KC means fewer passes
     * over C, whose rows (stride ldc) miss the caches on every pass: KC = 256 ran at ~76 GFLOP/s per
     * core, KC = 1024 at ~100. The B micro-panel (KC x NR) streams from L2 fine.
     */
    static final int KC = 1024;
    static final int MC = 16 * MR;
    static final int NC = Math.max(1, 1024 / NR) * NR;

    /** Per-thread packing buffers {A block, B block, edge tile}, grown on demand and kept. */
    private static final ThreadLocal<float[][]> WORK = ThreadLocal.withInitial(() -> new float[3][0]);

    private GemmVector() {}

    static int bitSize() {
        return S.vectorBitSize();
    }

    static void sgemm(boolean transA, boolean transB, int m, int n, int k,
                      float alpha, float[] a, int aOff, int lda,
                      float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        float[][] w = WORK.get();
        int kcMax = Math.min(KC, k);
        int mcMax = Math.min(MC, roundUp(m, MR)), ncMax = Math.min(NC, roundUp(n, NR));
        if (w[0].length < mcMax * kcMax) w[0] = new float[mcMax * kcMax];
        if (w[1].length < ncMax * kcMax) w[1] = new float[ncMax * kcMax];
        if (w[2].length < MR * NR) w[2] = new float[MR * NR];
        float[] pa = w[0], pb = w[1], tile = w[2];
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                packB(transB, b, bOff, ldb, pc, jc, kc, nc, pb);
                float betaBlock = pc == 0 ? beta : 1f; // later K blocks accumulate onto C
                for (int ic = 0; ic < m; ic += MC) {
                    int mc = Math.min(MC, m - ic);
                    packA(transA, a, aOff, lda, ic, pc, mc, kc, pa);
                    // Rows outer, columns inner: the A micro-panel stays in L1 and each C row is
                    // walked left to right, which the hardware prefetcher follows (the other order
                    // jumps ldc floats per tile and ran ~10% slower).
                    for (int ir = 0; ir < mc; ir += MR) {
                        int rows = Math.min(MR, mc - ir);
                        for (int jr = 0; jr < nc; jr += NR) {
                            int cols = Math.min(NR, nc - jr);
                            kernel6x2(kc, pa, ir * kc, pb, jr * kc, c, cOff + (ic + ir) * ldc + jc + jr, ldc,
                                    alpha, betaBlock, rows, cols, tile);
                        }
                    }
                }
            }
        }
    }

    private static int roundUp(int x, int r) {
        return (x + r - 1) / r * r;
    }

    /** Packs op(A)[ic:ic+mc, pc:pc+kc] as MR-row micro-panels, each k-major: pa[panel][p][r]. */
    static void packA(boolean transA, float[] a, int aOff, int lda, int ic, int pc, int mc, int kc, float[] pa) {
        int dst = 0;
        for (int ir = 0; ir < mc; ir += MR, dst += MR * kc) {
            int rows = Math.min(MR, mc - ir);
            if (!transA) { // op(A)(i, p) = a[i * lda + p]
                for (int r = 0; r < rows; r++) {
                    int src = aOff + (ic + ir + r) * lda + pc;
                    for (int p = 0; p < kc; p++) pa[dst + p * MR + r] = a[src + p];
                }
            } else { // op(A)(i, p) = a[p * lda + i]
                for (int p = 0; p < kc; p++) {
                    int src = aOff + (pc + p) * lda + ic + ir;
                    for (int r = 0; r < rows; r++) pa[dst + p * MR + r] = a[src + r];
                }
            }
            for (int r = rows; r < MR; r++) {
                for (int p = 0; p < kc; p++) pa[dst + p * MR + r] = 0f;
            }
        }
    }

    /** Packs op(B)[pc:pc+kc, jc:jc+nc] as NR-column micro-panels, each k-major: pb[panel][p][j]. */
    static void packB(boolean transB, float[] b, int bOff, int ldb, int pc, int jc, int kc, int nc, float[] pb) {
        int dst = 0;
        for (int jr = 0; jr < nc; jr += NR, dst += NR * kc) {
            int cols = Math.min(NR, nc - jr);
            if (!transB) { // op(B)(p, j) = b[p * ldb + j]: rows copy as they are
                for (int p = 0; p < kc; p++) {
                    System.arraycopy(b, bOff + (pc + p) * ldb + jc + jr, pb, dst + p * NR, cols);
                }
            } else { // op(B)(p, j) = b[j * ldb + p]
                for (int j = 0; j < cols; j++) {
                    int src = bOff + (jc + jr + j) * ldb + pc;
                    for (int p = 0; p < kc; p++) pb[dst + p * NR + j] = b[src + p];
                }
            }
            if (cols < NR) {
                for (int p = 0; p < kc; p++) Arrays.fill(pb, dst + p * NR + cols, dst + (p + 1) * NR, 0f);
            }
        }
    }

    /** c[i..i+L) = alpha * acc + beta * c[i..i+L); C is not read when beta is 0 (it may hold NaN). */
    private static void store(FloatVector acc, float[] c, int i, float alpha, float beta) {
        FloatVector r = acc.mul(alpha);
        if (beta != 0f) r = FloatVector.fromArray(S, c, i).mul(beta).add(r);
        r.intoArray(c, i);
    }

    /** The edge tile's valid rows x cols from the tile buffer (row stride nr) into C. */
    private static void storeEdge(float[] tile, int nr, float[] c, int ci, int ldc,
                                  float alpha, float beta, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                int i = ci + r * ldc + j;
                float v = alpha * tile[r * nr + j];
                c[i] = beta == 0f ? v : v + beta * c[i];
            }
        }
    }

    /**
     * The micro-kernel: a 6 x 2L tile of C from packed micro-panels of A ([kc][6]) and B ([kc][2L]).
     * 12 vector accumulators + 2 B vectors + 1 broadcast fit the 16 registers of AVX2 and leave
     * AVX-512 room; measured on Zen 4 it beats 8x3, 6x4, 12x2 and 14x2 (in-L1: ~110 GFLOP/s on one
     * core, near the 2 x 256-bit FMA peak), as C2 spills the larger tiles.
     */
    static void kernel6x2(int kc, float[] ap, int ai, float[] bp, int bi,
                          float[] c, int ci, int ldc, float alpha, float beta, int rows, int cols, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++, ai += 6, bi += 2 * L) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector a0 = FloatVector.broadcast(S, ap[ai]);
            c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, ap[ai + 3]);
            c30 = a3.fma(b0, c30); c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(S, ap[ai + 4]);
            c40 = a4.fma(b0, c40); c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(S, ap[ai + 5]);
            c50 = a5.fma(b0, c50); c51 = a5.fma(b1, c51);
        }
        if (rows == 6 && cols == 2 * L) {
            store(c00, c, ci, alpha, beta); store(c01, c, ci + L, alpha, beta);
            store(c10, c, ci + 1 * ldc, alpha, beta); store(c11, c, ci + 1 * ldc + L, alpha, beta);
            store(c20, c, ci + 2 * ldc, alpha, beta); store(c21, c, ci + 2 * ldc + L, alpha, beta);
            store(c30, c, ci + 3 * ldc, alpha, beta); store(c31, c, ci + 3 * ldc + L, alpha, beta);
            store(c40, c, ci + 4 * ldc, alpha, beta); store(c41, c, ci + 4 * ldc + L, alpha, beta);
            store(c50, c, ci + 5 * ldc, alpha, beta); store(c51, c, ci + 5 * ldc + L, alpha, beta);
        } else {
            c00.intoArray(tile, 0); c01.intoArray(tile, L);
            c10.intoArray(tile, 2 * L); c11.intoArray(tile, 3 * L);
            c20.intoArray(tile, 4 * L); c21.intoArray(tile, 5 * L);
            c30.intoArray(tile, 6 * L); c31.intoArray(tile, 7 * L);
            c40.intoArray(tile, 8 * L); c41.intoArray(tile, 9 * L);
            c50.intoArray(tile, 10 * L); c51.intoArray(tile, 11 * L);
            storeEdge(tile, 2 * L, c, ci, ldc, alpha, beta, rows, cols);
        }
    }
}
