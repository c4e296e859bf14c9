package dev.galvani.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API kernel of {@link DirectConv}: {@link GemmVector#kernel6x2}'s tile of 6 output
 * channels x 2 vectors of output positions, with the B panel's row for {@code k = c kh kw + t}
 * loaded straight from input plane c at the tap's offset. The planes are first copied into a
 * zero-padded layout (rows of {@code w + pw} with {@code ph} zero rows above and below), where every
 * tap of every output position reads its input or a zero, so the loop needs no masks: positions
 * run over the padded grid (the last {@code pw} of each row are computed and dropped). Masked
 * loads or per-lane AND masks in the loop made C1 give up ("out of virtual registers") and left
 * the method in slow code, or made C2 spill the accumulators; this loop is as plain as the GEMM's.
 * Loaded only when {@code jdk.incubator.vector} is present.
 */
final class DirectConvVector {
    private static final VectorSpecies<Float> S = GemmVector.S;
    private static final int L = GemmVector.L;
    private static final int MR = GemmVector.MR;
    private static final int KC = GemmVector.KC;

    private DirectConvVector() {}

    /** Output channels per weight-gradient tile column block: dwᵀ rows are padded to a multiple of it. */
    static int panel() {
        return 2 * L;
    }

    /**
     * The padded layout of one geometry and input channel count: row width {@code wp = w + pw},
     * plane stride {@code plane} (h + 2 ph rows, then slack for the last block's overrun), the
     * offset {@code lead} of plane 0 in the buffer (room for the left overhang of the first
     * position), {@code q} output positions on the padded grid rounded up to whole tiles, and
     * each term's offset {@code c plane + i dh wp + j dw − pw}.
     */
    record Tables(int wp, int plane, int lead, int q, int[] offset) {}

    static Tables tables(DirectConv g, int cin) {
        int wp = g.w() + g.pw(), q = (g.h() * wp + 2 * L - 1) / (2 * L) * (2 * L);
        int taps = g.taps(), maxOff = (g.kh() - 1) * g.dh() * wp + g.pw();
        int plane = Math.max((g.h() + 2 * g.ph()) * wp, q + maxOff) + g.pw();
        int[] offset = new int[cin * taps];
        for (int c = 0; c < cin; c++) {
            for (int t = 0; t < taps; t++) offset[c * taps + t] = c * plane + (t / g.kw()) * g.dh() * wp + (t % g.kw()) * g.dw() - g.pw();
        }
        return new Tables(wp, plane, g.pw(), q, offset);
    }

    /**
     * Weights as [output tile][k][MR] with k = in * taps + t, the missing rows of the last tile zero.
     * {@code transpose}: the transposed layer's (outputs are wt's input channels, inputs its output
     * channels, taps mirrored).
     */
    static float[] packWeights(float[] wt, int wOff, int cout, int cin, int taps, boolean transpose) {
        int outs = transpose ? cin : cout, ins = transpose ? cout : cin, k = ins * taps;
        int tiles = (outs + MR - 1) / MR;
        float[] packed = new float[tiles * k * MR];
        for (int o = 0; o < outs; o++) {
            int tile = o / MR, r = o % MR;
            for (int c = 0; c < ins; c++) {
                for (int t = 0; t < taps; t++) {
                    float v = transpose ? wt[wOff + (c * cin + o) * taps + (taps - 1 - t)] : wt[wOff + (o * cin + c) * taps + t];
                    packed[((tile * k) + c * taps + t) * MR + r] = v;
                }
            }
        }
        return packed;
    }

    /** Per-thread buffers {padded input planes, padded output planes}, grown on demand and kept. */
    private static final ThreadLocal<float[][]> WORK = ThreadLocal.withInitial(() -> new float[2][0]);

    /** Images [from, to): pad, every output tile and block of positions, then drop the padding columns. */
    static void images(DirectConv g, Tables tb, int from, int to, float[] x, int xOff, int xImage, int cin,
                       float[] packed, int cout, float[] y, int yOff, int yImage) {
        int h = g.h(), w = g.w(), p = h * w, k = cin * g.taps(), wp = tb.wp, q = tb.q;
        int inSize = tb.lead + cin * tb.plane, outSize = ((cout + MR - 1) / MR * MR) * q;
        float[][] work = WORK.get();
        if (work[0].length < inSize) work[0] = new float[inSize];
        if (work[1].length < outSize) work[1] = new float[outSize];
        float[] xp = work[0], yp = work[1];
        java.util.Arrays.fill(xp, 0, inSize, 0f); // the padding; the images below write only inside it
        int top = tb.lead + g.ph() * wp;
        for (int i = from; i < to; i++) {
            int xi = xOff + i * xImage, yi = yOff + i * yImage;
            for (int c = 0; c < cin; c++) {
                for (int r = 0; r < h; r++) System.arraycopy(x, xi + c * p + r * w, xp, top + c * tb.plane + r * wp, w);
            }
            for (int o0 = 0; o0 < cout; o0 += MR) {
                int wi = (o0 / MR) * k * MR;
                for (int q0 = 0; q0 < q; q0 += 2 * L) {
                    for (int k0 = 0; k0 < k; k0 += KC) {
                        tile(tb.offset, xp, tb.lead + q0, packed, wi, k0, Math.min(k, k0 + KC), yp, o0 * q + q0, q);
                    }
                }
            }
            for (int o = 0; o < cout; o++) {
                for (int r = 0; r < h; r++) System.arraycopy(yp, o * q + r * wp, y, yi + o * p + r * w, w);
            }
        }
    }

    /**
     * One tile: 6 output planes of the padded grid (from {@code yo}, stride q) at 2L positions
     * (input from {@code xp}), terms k0..k1-1. The first block of terms overwrites, later ones add
     * (as the GEMM's K blocks do).
     */
    private static void tile(int[] offset, float[] x, int xp, float[] w, int wi, int k0, int k1,
                             float[] y, int yo, int q) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        for (int kk = k0, a = wi + k0 * MR; kk < k1; kk++, a += MR) {
            int src = xp + offset[kk];
            FloatVector x0 = FloatVector.fromArray(S, x, src);
            FloatVector x1 = FloatVector.fromArray(S, x, src + L);
            FloatVector v = FloatVector.broadcast(S, w[a]);
            c00 = v.fma(x0, c00); c01 = v.fma(x1, c01);
            v = FloatVector.broadcast(S, w[a + 1]);
            c10 = v.fma(x0, c10); c11 = v.fma(x1, c11);
            v = FloatVector.broadcast(S, w[a + 2]);
            c20 = v.fma(x0, c20); c21 = v.fma(x1, c21);
            v = FloatVector.broadcast(S, w[a + 3]);
            c30 = v.fma(x0, c30); c31 = v.fma(x1, c31);
            v = FloatVector.broadcast(S, w[a + 4]);
            c40 = v.fma(x0, c40); c41 = v.fma(x1, c41);
            v = FloatVector.broadcast(S, w[a + 5]);
            c50 = v.fma(x0, c50); c51 = v.fma(x1, c51);
        }
        boolean add = k0 > 0;
        // Written out rather than through a helper taking a vector: where C2 declines to inline
        // such a helper (one already compiled large), every vector passed to it is boxed, an
        // allocation per store (half of a training step's garbage once, in the GEMM's kernel).
        if (add) {
            FloatVector.fromArray(S, y, yo).add(c00).intoArray(y, yo); FloatVector.fromArray(S, y, yo + L).add(c01).intoArray(y, yo + L);
            FloatVector.fromArray(S, y, yo + q).add(c10).intoArray(y, yo + q); FloatVector.fromArray(S, y, yo + q + L).add(c11).intoArray(y, yo + q + L);
            FloatVector.fromArray(S, y, yo + 2 * q).add(c20).intoArray(y, yo + 2 * q); FloatVector.fromArray(S, y, yo + 2 * q + L).add(c21).intoArray(y, yo + 2 * q + L);
            FloatVector.fromArray(S, y, yo + 3 * q).add(c30).intoArray(y, yo + 3 * q); FloatVector.fromArray(S, y, yo + 3 * q + L).add(c31).intoArray(y, yo + 3 * q + L);
            FloatVector.fromArray(S, y, yo + 4 * q).add(c40).intoArray(y, yo + 4 * q); FloatVector.fromArray(S, y, yo + 4 * q + L).add(c41).intoArray(y, yo + 4 * q + L);
            FloatVector.fromArray(S, y, yo + 5 * q).add(c50).intoArray(y, yo + 5 * q); FloatVector.fromArray(S, y, yo + 5 * q + L).add(c51).intoArray(y, yo + 5 * q + L);
        } else {
            c00.intoArray(y, yo); c01.intoArray(y, yo + L);
            c10.intoArray(y, yo + q); c11.intoArray(y, yo + q + L);
            c20.intoArray(y, yo + 2 * q); c21.intoArray(y, yo + 2 * q + L);
            c30.intoArray(y, yo + 3 * q); c31.intoArray(y, yo + 3 * q + L);
            c40.intoArray(y, yo + 4 * q); c41.intoArray(y, yo + 4 * q + L);
            c50.intoArray(y, yo + 5 * q); c51.intoArray(y, yo + 5 * q + L);
        }
    }


    /**
     * Pads images [from, to) of x into {@code xp}, image i's planes at {@code tb.lead + i * image}
     * (the padding must be zero: a fresh array, or one these calls wrote with the same geometry).
     */
    static void pad(DirectConv g, Tables tb, int from, int to, float[] x, int xOff, int xImage, int cin, float[] xp, int image) {
        int h = g.h(), w = g.w(), p = h * w, top = tb.lead + g.ph() * tb.wp;
        for (int i = from; i < to; i++) {
            int xi = xOff + i * xImage, base = top + i * image;
            for (int c = 0; c < cin; c++) {
                for (int r = 0; r < h; r++) System.arraycopy(x, xi + c * p + r * w, xp, base + c * tb.plane + r * tb.wp, w);
            }
        }
    }

    /**
     * The weight gradient's rows [k0, k1) (k = c taps + t), transposed: {@code dwT[k][o] = Σ_i Σ_q
     * xpad_i[offset_k + q] dy'_i[o, q]} over the padded grid, where dy' is dy with zeros in the
     * padding columns; images padded in {@code xp} ({@code image} floats apart). Per image, the
     * terms of one tile run in one FMA chain and the image's sum is added to dwT; dwT's row length
     * is {@code ldw} (cout rounded up to 2L); rows are absolute (row k at {@code k * ldw}).
     */
    static void weightRows(DirectConv g, Tables tb, int n, float[] xp, int image, float[] dy, int dyOff, int dyImage,
                           int cout, int k0, int k1, float[] dwT, int ldw) {
        int h = g.h(), w = g.w(), p = h * w, wp = tb.wp, qn = h * wp;
        float[][] work = WORK.get();
        if (work[1].length < qn * ldw) work[1] = new float[qn * ldw];
        float[] b = work[1];
        for (int i = 0; i < n; i++) {
            // dy'ᵀ as NR-column panels [panel][q][2L], zero in the padding columns and past cout
            java.util.Arrays.fill(b, 0, qn * ldw, 0f);
            int di = dyOff + i * dyImage;
            for (int o = 0; o < cout; o++) {
                int panel = (o / (2 * L)) * qn * 2 * L, j = o % (2 * L);
                for (int r = 0; r < h; r++) {
                    for (int col = 0; col < w; col++) b[panel + (r * wp + col) * 2 * L + j] = dy[di + o * p + r * w + col];
                }
            }
            int xi = tb.lead + i * image;
            for (int kt = k0; kt < k1; kt += MR) {
                int rows = Math.min(MR, k1 - kt);
                for (int o0 = 0; o0 < ldw; o0 += 2 * L) {
                    weightTile(qn, xp, xi, tb.offset, kt, rows, b, (o0 / (2 * L)) * qn * 2 * L, dwT, kt * ldw + o0, ldw);
                }
            }
        }
    }

    /** dwT[r][0..2L) += Σ_q x[xi + offset[kt + r] + q] · b[q][0..2L) for r < rows (missing rows repeat row 0 and are dropped). */
    private static void weightTile(int qn, float[] x, int xi, int[] offset, int kt, int rows, float[] b, int bi,
                                   float[] c, int ci, int ldc) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        int base = xi + offset[kt];
        int a0 = base, a1 = xi + offset[kt + Math.min(1, rows - 1)], a2 = xi + offset[kt + Math.min(2, rows - 1)];
        int a3 = xi + offset[kt + Math.min(3, rows - 1)], a4 = xi + offset[kt + Math.min(4, rows - 1)];
        int a5 = xi + offset[kt + Math.min(5, rows - 1)];
        for (int q = 0; q < qn; q++) {
            int bj = bi + q * (2 * L);
            FloatVector b0 = FloatVector.fromArray(S, b, bj);
            FloatVector b1 = FloatVector.fromArray(S, b, bj + L);
            FloatVector v = FloatVector.broadcast(S, x[a0 + q]);
            c00 = v.fma(b0, c00); c01 = v.fma(b1, c01);
            v = FloatVector.broadcast(S, x[a1 + q]);
            c10 = v.fma(b0, c10); c11 = v.fma(b1, c11);
            v = FloatVector.broadcast(S, x[a2 + q]);
            c20 = v.fma(b0, c20); c21 = v.fma(b1, c21);
            v = FloatVector.broadcast(S, x[a3 + q]);
            c30 = v.fma(b0, c30); c31 = v.fma(b1, c31);
            v = FloatVector.broadcast(S, x[a4 + q]);
            c40 = v.fma(b0, c40); c41 = v.fma(b1, c41);
            v = FloatVector.broadcast(S, x[a5 + q]);
            c50 = v.fma(b0, c50); c51 = v.fma(b1, c51);
        }
        FloatVector.fromArray(S, c, ci).add(c00).intoArray(c, ci); FloatVector.fromArray(S, c, ci + L).add(c01).intoArray(c, ci + L);
        if (rows > 1) { FloatVector.fromArray(S, c, ci + ldc).add(c10).intoArray(c, ci + ldc); FloatVector.fromArray(S, c, ci + ldc + L).add(c11).intoArray(c, ci + ldc + L); }
        if (rows > 2) { FloatVector.fromArray(S, c, ci + 2 * ldc).add(c20).intoArray(c, ci + 2 * ldc); FloatVector.fromArray(S, c, ci + 2 * ldc + L).add(c21).intoArray(c, ci + 2 * ldc + L); }
        if (rows > 3) { FloatVector.fromArray(S, c, ci + 3 * ldc).add(c30).intoArray(c, ci + 3 * ldc); FloatVector.fromArray(S, c, ci + 3 * ldc + L).add(c31).intoArray(c, ci + 3 * ldc + L); }
        if (rows > 4) { FloatVector.fromArray(S, c, ci + 4 * ldc).add(c40).intoArray(c, ci + 4 * ldc); FloatVector.fromArray(S, c, ci + 4 * ldc + L).add(c41).intoArray(c, ci + 4 * ldc + L); }
        if (rows > 5) { FloatVector.fromArray(S, c, ci + 5 * ldc).add(c50).intoArray(c, ci + 5 * ldc); FloatVector.fromArray(S, c, ci + 5 * ldc + L).add(c51).intoArray(c, ci + 5 * ldc + L); }
    }
}
