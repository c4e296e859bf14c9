package dev.galvani.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * Vector API GEMM (one thread; {@link Gemm} splits large problems across threads), in the GotoBLAS
 * / BLIS layout (Goto and van de Geijn, "Anatomy of high-performance matrix multiplication", 2008;
 * Van Zee and van de Geijn, "BLIS", 2015) with the roles of A and B swapped: op(B) is packed in
 * KC x NC blocks that stay in L2, cut into micro-panels that {@link #kernel6x2} streams with unit
 * stride, while six rows of op(A) (a KC-long micro-panel, 24 KiB) stay in L1 across one block's
 * micro-panels. op(A) is read where it lies when it is not transposed and the block of B is used
 * by few row panels; otherwise rows of op(A) are first copied row by row into a contiguous block
 * (a transposed A, the last rows of A when fewer than six, and every MC x KC block of A once n
 * reaches {@link #PACK_A_COLUMNS}, where the copy is paid back by NC-column blocks that each
 * re-read A). The kernel sees one layout per operand: rows of A at unit stride, B as [kc][2L].
 * Edge tiles are zero-padded and written back through a small tile buffer.
 *
 * <p>Every element of C is the same sum in the same order whatever the blocking over m and n and
 * the number of threads: KC blocks of k in order, each an FMA chain into a zeroed accumulator
 * added onto C; so the results are bit-identical to any earlier version with the same KC.
 *
 * <p>Loaded only when {@code jdk.incubator.vector} is in the boot layer (see {@link Gemm}).
 */
final class GemmVector {

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    static final int MR = 6;
    static final int NR = 2 * L;
    /**
     * Depth of a block of k. It fixes the summation order (see above), so it stays 1024: a large
     * KC means fewer passes over C, whose rows (stride ldc) miss the caches on every pass (on Zen 4
     * KC = 256 ran at ~76 GFLOP/s per core, KC = 1024 at ~100).
     */
    static final int KC = 1024;
    /**
     * Columns of a packed block of B: KC x NC floats = 512 KiB, half of a 1 MiB L2, so that the
     * block stays in L2 while six rows of A sweep it. With NC = 1024 the 4 MiB block streamed from
     * L3: Zen 5, JDK 25, one thread, CPU time, both versions in the same run, m x n x k = 1024 x
     * 512 x 1024 (a thread's half of n = 1024) ran at 77-79% of the FMA peak, now 83-89%.
     */
    static final int NC = Math.max(1, 128 / NR) * NR;
    /**
     * Rows of a packed block of A: MC x KC floats, ~4 MiB per thread (kept, like the other
     * buffers), read from L3 once per NC block.
     */
    static final int MC = 1020 / MR * MR;
    /**
     * Columns of C from which every block of A is packed. Each NC block re-reads all of A; read in
     * place that is six strided rows per micro-panel, which for a thread's half of n = 2048 (16
     * MiB of A) ran 3-6 points of the FMA peak below the packed copy in the same run; at 256-512
     * columns the copy cost about as much as it saved.
     */
    static final int PACK_A_COLUMNS = 1024;

    /** Per-thread buffers {A micro-panel or block, B block, edge tile}, grown on demand and kept. */
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
        // A transposed is copied before the kernel reads it: once per block of rows, not again for
        // every block of B.
        boolean packAll = n >= PACK_A_COLUMNS || transA && n > NC;
        int kcMax = Math.min(KC, k), ncMax = Math.min(NC, roundUp(n, NR));
        int mcStep = packAll ? roundUp((m + (m + MC - 1) / MC - 1) / ((m + MC - 1) / MC), MR) : m; // even blocks
        int mcMax = packAll ? mcStep : MR;
        if (w[0].length < mcMax * rowStride(kcMax)) w[0] = new float[mcMax * rowStride(kcMax)];
        if (w[1].length < ncMax * kcMax) w[1] = new float[ncMax * kcMax];
        if (w[2].length < MR * NR) w[2] = new float[MR * NR];
        float[] pa = w[0], pb = w[1], tile = w[2];
        for (int pc = 0; pc < k; pc += KC) {
            int kc = Math.min(KC, k - pc), ld = rowStride(kc);
            float betaBlock = pc == 0 ? beta : 1f; // later K blocks accumulate onto C
            for (int ic = 0; ic < m; ic += mcStep) {
                int mc = Math.min(mcStep, m - ic);
                if (packAll) packA(transA, a, aOff, lda, ic, mc, pc, kc, pa, ld);
                for (int jc = 0; jc < n; jc += NC) {
                    int nc = Math.min(NC, n - jc);
                    packB(transB, b, bOff, ldb, pc, jc, kc, nc, pb);
                    // Rows outer, columns inner: the A micro-panel stays in L1 and each C row is
                    // walked left to right, which the hardware prefetcher follows (the other order
                    // jumps ldc floats per tile and ran ~10% slower).
                    for (int ir = ic; ir < ic + mc; ir += MR) {
                        int rows = Math.min(MR, m - ir);
                        float[] ap = a;
                        int ai = aOff + ir * lda + pc, ars = lda; // A in place (not transposed)
                        if (packAll) {
                            ap = pa;
                            ai = (ir - ic) * ld;
                            ars = ld;
                        } else if (transA || rows < MR) {
                            packA(transA, a, aOff, lda, ir, rows, pc, kc, pa, ld);
                            ap = pa;
                            ai = 0;
                            ars = ld;
                        }
                        for (int jr = 0; jr < nc; jr += NR) {
                            int cols = Math.min(NR, nc - jr);
                            kernel6x2(kc, ap, ai, ars, pb, jr * kc, c, cOff + ir * ldc + jc + jr, ldc,
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

    /**
     * Row stride of packed A: kc rounded up to a cache line plus one line, so that rows of a
     * micro-panel 4 KiB apart do not all fall into the same L1 sets.
     */
    static int rowStride(int kc) {
        return roundUp(kc, 16) + 16;
    }

    /**
     * Copies rows [i0, i0 + rows) x steps [pc, pc + kc) of op(A) row by row into {@code pa} (row
     * stride ld), and zeroes the rows up to the next multiple of MR.
     */
    static void packA(boolean transA, float[] a, int aOff, int lda, int i0, int rows, int pc, int kc, float[] pa, int ld) {
        if (!transA) {
            for (int r = 0; r < rows; r++) System.arraycopy(a, aOff + (i0 + r) * lda + pc, pa, r * ld, kc);
        } else { // op(A)(i, p) = a[p * lda + i]: blocks of 8 rows keep 8 write streams
            for (int r0 = 0; r0 < rows; r0 += 8) {
                int r1 = Math.min(rows, r0 + 8);
                for (int p = 0; p < kc; p++) {
                    int src = aOff + (pc + p) * lda + i0;
                    for (int r = r0; r < r1; r++) pa[r * ld + p] = a[src + r];
                }
            }
        }
        for (int r = rows; r < roundUp(rows, MR); r++) Arrays.fill(pa, r * ld, r * ld + kc, 0f);
    }

    /** Packs op(B)[pc:pc+kc, jc:jc+nc] as NR-column micro-panels, each k-major: pb[panel][p][j]. */
    static void packB(boolean transB, float[] b, int bOff, int ldb, int pc, int jc, int kc, int nc, float[] pb) {
        int dst = 0;
        for (int jr = 0; jr < nc; jr += NR, dst += NR * kc) {
            int cols = Math.min(NR, nc - jr);
            if (!transB && cols == NR) { // op(B)(p, j) = b[p * ldb + j]: two vectors per row
                for (int p = 0, src = bOff + pc * ldb + jc + jr; p < kc; p++, src += ldb) {
                    FloatVector.fromArray(S, b, src).intoArray(pb, dst + p * NR);
                    FloatVector.fromArray(S, b, src + L).intoArray(pb, dst + p * NR + L);
                }
                continue;
            }
            if (!transB) {
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

    /**
     * The ceiling the micro-kernel is measured against: {@code iters} steps of 12 independent
     * vector FMAs (as many accumulators as {@link #kernel6x2}, enough to cover the FMA latency on
     * two pipes), nothing loaded or stored. Returns a sum so that the loop is not removed.
     */
    static float fmaLoop(long iters, float seed) {
        FloatVector a = FloatVector.broadcast(S, 0.999f), b = FloatVector.broadcast(S, 1e-3f);
        FloatVector c0 = FloatVector.broadcast(S, seed), c1 = c0.add(1), c2 = c0.add(2), c3 = c0.add(3);
        FloatVector c4 = c0.add(4), c5 = c0.add(5), c6 = c0.add(6), c7 = c0.add(7);
        FloatVector c8 = c0.add(8), c9 = c0.add(9), c10 = c0.add(10), c11 = c0.add(11);
        for (long i = 0; i < iters; i++) {
            c0 = c0.fma(a, b); c1 = c1.fma(a, b); c2 = c2.fma(a, b); c3 = c3.fma(a, b);
            c4 = c4.fma(a, b); c5 = c5.fma(a, b); c6 = c6.fma(a, b); c7 = c7.fma(a, b);
            c8 = c8.fma(a, b); c9 = c9.fma(a, b); c10 = c10.fma(a, b); c11 = c11.fma(a, b);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11)
                .reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
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
     * The micro-kernel: a 6 x 2L tile of C from six rows of A (element (r, p) at
     * {@code ap[ai + r * rs + p]}: rows of A in place, or packed rows) and a packed micro-panel of
     * B ([kc][2L]). Unit stride in p for both lets C2 hoist every bounds check out of the loop (a
     * variable stride left six compare-and-branch pairs per step: ~50 instructions per 12 FMAs
     * against ~35 now, JDK 25). 12 vector accumulators + 2 B vectors + 1 broadcast fit the 16
     * registers of AVX2 and leave AVX-512 room; measured on Zen 4 it beats 8x3, 6x4, 12x2 and 14x2
     * (C2 spills the larger tiles), and on Zen 5 (two 512-bit FMA pipes) it runs at 95% of the FMA
     * peak with its panels in L2 (8x3, 12x2, 4x4 and 6x3 were no faster), ~100% with a KC = 256
     * panel of B in L1.
     */
    static void kernel6x2(int kc, float[] ap, int ai, int rs, float[] bp, int bi,
                          float[] c, int ci, int ldc, float alpha, float beta, int rows, int cols, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        int a0 = ai, a1 = ai + rs, a2 = ai + 2 * rs, a3 = ai + 3 * rs, a4 = ai + 4 * rs, a5 = ai + 5 * rs;
        for (int p = 0; p < kc; p++) {
            int bj = bi + p * (2 * L);
            FloatVector b0 = FloatVector.fromArray(S, bp, bj);
            FloatVector b1 = FloatVector.fromArray(S, bp, bj + L);
            FloatVector x = FloatVector.broadcast(S, ap[a0 + p]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, ap[a1 + p]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, ap[a2 + p]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, ap[a3 + p]);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, ap[a4 + p]);
            c40 = x.fma(b0, c40); c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, ap[a5 + p]);
            c50 = x.fma(b0, c50); c51 = x.fma(b1, c51);
        }
        if (rows == 6 && cols == 2 * L) {
            // Written out rather than through a helper taking a vector: where C2 declines to inline such
            // a helper (one already compiled large), every vector passed to it is boxed, and those boxes
            // were over half the bytes a training step allocated (JFR allocation samples, ResNet-style).
            if (beta == 0f) {
                c00.mul(alpha).intoArray(c, ci); c01.mul(alpha).intoArray(c, ci + L);
                c10.mul(alpha).intoArray(c, ci + 1 * ldc); c11.mul(alpha).intoArray(c, ci + 1 * ldc + L);
                c20.mul(alpha).intoArray(c, ci + 2 * ldc); c21.mul(alpha).intoArray(c, ci + 2 * ldc + L);
                c30.mul(alpha).intoArray(c, ci + 3 * ldc); c31.mul(alpha).intoArray(c, ci + 3 * ldc + L);
                c40.mul(alpha).intoArray(c, ci + 4 * ldc); c41.mul(alpha).intoArray(c, ci + 4 * ldc + L);
                c50.mul(alpha).intoArray(c, ci + 5 * ldc); c51.mul(alpha).intoArray(c, ci + 5 * ldc + L);
            } else { // beta C + alpha acc (C is not read when beta is 0: it may hold NaN)
                FloatVector.fromArray(S, c, ci).mul(beta).add(c00.mul(alpha)).intoArray(c, ci);
                FloatVector.fromArray(S, c, ci + L).mul(beta).add(c01.mul(alpha)).intoArray(c, ci + L);
                FloatVector.fromArray(S, c, ci + 1 * ldc).mul(beta).add(c10.mul(alpha)).intoArray(c, ci + 1 * ldc);
                FloatVector.fromArray(S, c, ci + 1 * ldc + L).mul(beta).add(c11.mul(alpha)).intoArray(c, ci + 1 * ldc + L);
                FloatVector.fromArray(S, c, ci + 2 * ldc).mul(beta).add(c20.mul(alpha)).intoArray(c, ci + 2 * ldc);
                FloatVector.fromArray(S, c, ci + 2 * ldc + L).mul(beta).add(c21.mul(alpha)).intoArray(c, ci + 2 * ldc + L);
                FloatVector.fromArray(S, c, ci + 3 * ldc).mul(beta).add(c30.mul(alpha)).intoArray(c, ci + 3 * ldc);
                FloatVector.fromArray(S, c, ci + 3 * ldc + L).mul(beta).add(c31.mul(alpha)).intoArray(c, ci + 3 * ldc + L);
                FloatVector.fromArray(S, c, ci + 4 * ldc).mul(beta).add(c40.mul(alpha)).intoArray(c, ci + 4 * ldc);
                FloatVector.fromArray(S, c, ci + 4 * ldc + L).mul(beta).add(c41.mul(alpha)).intoArray(c, ci + 4 * ldc + L);
                FloatVector.fromArray(S, c, ci + 5 * ldc).mul(beta).add(c50.mul(alpha)).intoArray(c, ci + 5 * ldc);
                FloatVector.fromArray(S, c, ci + 5 * ldc + L).mul(beta).add(c51.mul(alpha)).intoArray(c, ci + 5 * ldc + L);
            }
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
