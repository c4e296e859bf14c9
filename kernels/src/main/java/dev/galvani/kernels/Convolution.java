package dev.galvani.kernels;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The CPU reference of 2-d convolution (cross-correlation, as PyTorch) and its gradients, on host
 * arrays in the layouts of {@link ConvGeometry}.
 *
 * <p>Per group, a chunk of the batch is unfolded into one column matrix [C/g·kh·kw, n·Ho·Wo]
 * ({@link Im2col}) and multiplied by the group's weights in one GEMM. VJP: {@code dW = dY colᵀ},
 * {@code dX = col2im(Wᵀ dY)}, {@code db = Σ dY}. Depthwise layers (one input and one output
 * channel per group) skip the unfolding and run the direct kernel {@link Depthwise} instead; with
 * the Vector API, 'same' stride-1 layers (3x3 padding 1, 5x5 padding 2, ...) run
 * {@link DirectConv}, which reads the shifted planes in place of the column matrix: its forward
 * pass is bit-identical to the unfolding, and its gradients are the same sums in another order
 * (within the usual float bound of a dot product, checked in the kernel's tests).
 */
public final class Convolution {
    /**
     * Output positions (images x Ho x Wo) per GEMM: enough columns for the kernel's panels, few
     * enough that the column matrix stays in cache. {@code -Dgalvani.conv.columns} overrides it.
     */
    private static final int COLUMNS = Integer.getInteger("galvani.conv.columns", 256);
    /** Floating-point multiply-adds below which the unfolding's chunks run on one thread. */
    private static final long PARALLEL_WORK = 1L << 21;
    /** Slabs of chunks whose weight gradients are summed apart (a fixed count: the sums do not depend on the threads). */
    private static final int SLABS = 2;
    /** Most floats in one column matrix (64 MB), whatever the chunk. */
    private static final int MAX_COL = 16 << 20;

    private Convolution() {}

    private static Depthwise depthwise(ConvGeometry g) {
        return new Depthwise(g.c(), g.h(), g.w(), g.kh(), g.kw(), g.sh(), g.sw(), g.ph(), g.pw(), g.dh(), g.dw());
    }

    /** The direct kernel for a 'same' stride-1 layer with the Vector API, else null (the unfolding). */
    private static DirectConv direct(ConvGeometry g) {
        if (g.depthwise() || !DirectConv.available()
                || !DirectConv.applies(g.h(), g.w(), g.kh(), g.kw(), g.sh(), g.sw(), g.ph(), g.pw(), g.dh(), g.dw())) {
            return null;
        }
        return new DirectConv(g.h(), g.w(), g.kh(), g.kw(), g.ph(), g.pw(), g.dh(), g.dw());
    }

    /** Images per GEMM: one when an image has {@link #COLUMNS} positions, more when images are small. */
    private static int chunk(ConvGeometry g) {
        int p = g.p(), byColumns = (COLUMNS + p - 1) / p;
        return Math.max(1, Math.min(g.n(), Math.min(byColumns, MAX_COL / Math.max(1, g.k() * p))));
    }

    private static boolean pointwise(ConvGeometry g) {
        return Im2col.pointwise(g.kh(), g.kw(), g.sh(), g.sw(), g.ph(), g.pw());
    }

    /** {@code y = conv(x, w) + b} (b may be null); y [n, o, ho, wo] is overwritten. */
    public static void forward(ConvGeometry g, float[] x, float[] wt, float[] b, float[] y) {
        DirectConv direct = direct(g);
        if (g.depthwise()) {
            depthwise(g).forward(g.n(), x, wt, y);
        } else if (direct != null) {
            int og = g.og(), k = g.k(), p = g.p(), cg = g.cg(), plane = g.h() * g.w();
            for (int gi = 0; gi < g.groups(); gi++) {
                direct.forward(g.n(), x, gi * cg * plane, g.c() * plane, cg, wt, gi * og * k, og, y, gi * og * p, g.o() * p);
            }
        } else {
            unfoldAndMultiply(g, x, wt, y);
        }
        if (b != null) {
            int p = g.p();
            for (int i = 0; i < g.n(); i++) {
                for (int oc = 0; oc < g.o(); oc++) {
                    int base = (i * g.o() + oc) * p;
                    float bv = b[oc];
                    for (int q = 0; q < p; q++) y[base + q] += bv;
                }
            }
        }
    }

    /**
     * One GEMM per group and chunk of images over the unfolded input; y [N, O, P] is overwritten.
     * A chunk of one image writes straight into y (its [og, P] block is contiguous there), and a
     * pointwise convolution reads its input in place instead of unfolding it. The chunks are split
     * over threads (each chunk's outputs computed by one, whole), so that the unfolding and the
     * copies run in parallel too, not only the GEMMs large enough to split.
     */
    private static void unfoldAndMultiply(ConvGeometry g, float[] xd, float[] wd, float[] y) {
        int chunk = chunk(g), chunks = (g.n() + chunk - 1) / chunk;
        Parallel.split(chunks, (long) g.n() * g.o() * g.p() * g.k(), PARALLEL_WORK, (c0, c1) -> multiplyChunks(g, xd, wd, y, c0, c1, chunk));
    }

    /** Chunks [c0, c1) of {@code chunk} images each. */
    private static void multiplyChunks(ConvGeometry g, float[] xd, float[] wd, float[] y, int c0, int c1, int chunk) {
        int k = g.k(), p = g.p(), og = g.og(), cg = g.cg(), h = g.h(), w = g.w();
        boolean direct = pointwise(g);
        float[] col = chunk == 1 && direct ? null : new float[k * chunk * p];
        float[] tmp = chunk == 1 ? null : new float[og * chunk * p];
        for (int n0 = c0 * chunk; n0 < Math.min(g.n(), c1 * chunk); n0 += chunk) {
            int nc = Math.min(chunk, g.n() - n0), ld = nc * p;
            for (int gi = 0; gi < g.groups(); gi++) {
                int wOff = gi * og * k;
                if (nc == 1) {
                    int xOff = (n0 * g.c() + gi * cg) * h * w, yOff = (n0 * g.o() + gi * og) * p;
                    float[] b = xd;
                    int bOff = xOff;
                    if (!direct) {
                        Im2col.im2col(xd, xOff, cg, h, w, g.kh(), g.kw(), g.sh(), g.sw(), g.ph(), g.pw(), g.dh(), g.dw(), col, p, 0);
                        b = col;
                        bOff = 0;
                    }
                    Gemm.sgemm(false, false, og, p, k, 1f, wd, wOff, k, b, bOff, p, 0f, y, yOff, p);
                    continue;
                }
                for (int i = 0; i < nc; i++) {
                    Im2col.im2col(xd, ((n0 + i) * g.c() + gi * cg) * h * w, cg, h, w, g.kh(), g.kw(),
                            g.sh(), g.sw(), g.ph(), g.pw(), g.dh(), g.dw(), col, ld, i * p);
                }
                Gemm.sgemm(false, false, og, ld, k, 1f, wd, wOff, k, col, 0, ld, 0f, tmp, 0, ld);
                // [og, nc·P] to y[n, gi·og + oc, P]
                for (int oc = 0; oc < og; oc++) {
                    for (int i = 0; i < nc; i++) {
                        System.arraycopy(tmp, oc * ld + i * p, y, ((n0 + i) * g.o() + gi * og + oc) * p, p);
                    }
                }
            }
        }
    }

    /**
     * Adds the gradients into {@code dx} (input), {@code dwt} (weights) and {@code db} (bias) from
     * {@code gd} = dL/dy; a null output is not wanted. The outputs start at zero.
     */
    public static void backward(ConvGeometry g, float[] gd, float[] xd, float[] wd, float[] dx, float[] dwt, float[] db) {
        DirectConv direct = direct(g);
        if (g.depthwise()) {
            Depthwise d = depthwise(g);
            if (dx != null) d.backwardInput(g.n(), gd, wd, dx);
            if (dwt != null) d.backwardWeight(g.n(), gd, xd, dwt);
        } else if (direct != null) {
            int og = g.og(), k = g.k(), p = g.p(), cg = g.cg(), xPlane = g.h() * g.w();
            for (int gi = 0; gi < g.groups(); gi++) {
                if (dx != null) {
                    direct.backwardInput(g.n(), gd, gi * og * p, g.o() * p, og, wd, gi * og * k, cg, dx, gi * cg * xPlane, g.c() * xPlane);
                }
                if (dwt != null) {
                    direct.backwardWeight(g.n(), gd, gi * og * p, g.o() * p, og, xd, gi * cg * xPlane, g.c() * xPlane, cg, dwt, gi * og * k);
                }
            }
        } else if (dx != null || dwt != null) {
            unfoldedVjp(g, gd, xd, wd, dx, dwt);
        }
        if (db != null) biasGradient(g, gd, db);
    }

    /**
     * {@code db[oc] += (float) Σ_q dY[i, oc, q]} per image in image order, each plane summed in
     * double. Four planes are summed side by side: four independent chains of adds instead of one
     * (a chain waits an add's latency per element), each in its own order, so the same numbers.
     */
    private static void biasGradient(ConvGeometry g, float[] gd, float[] db) {
        int p = g.p(), o = g.o();
        for (int i = 0; i < g.n(); i++) {
            int oc = 0;
            for (; oc + 4 <= o; oc += 4) {
                double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
                int b0 = (i * o + oc) * p, b1 = b0 + p, b2 = b1 + p, b3 = b2 + p;
                for (int q = 0; q < p; q++) {
                    s0 += gd[b0 + q];
                    s1 += gd[b1 + q];
                    s2 += gd[b2 + q];
                    s3 += gd[b3 + q];
                }
                db[oc] += (float) s0;
                db[oc + 1] += (float) s1;
                db[oc + 2] += (float) s2;
                db[oc + 3] += (float) s3;
            }
            for (; oc < o; oc++) {
                double s = 0;
                int base = (i * o + oc) * p;
                for (int q = 0; q < p; q++) s += gd[base + q];
                db[oc] += (float) s;
            }
        }
    }

    /**
     * VJP through the unfolding: {@code dW += dY colᵀ}, {@code dX += col2im(Wᵀ dY)} (null: not
     * wanted). For a chunk of one image dY is read in place, and a pointwise convolution uses x as
     * its own column matrix and accumulates dX without folding. The chunks form {@link #SLABS}
     * slabs run in parallel: each slab adds its chunks' dW into a sum of its own, in chunk order,
     * and the slabs' sums are added in slab order, so the numbers do not depend on the thread count
     * (the slab count is fixed).
     */
    private static void unfoldedVjp(ConvGeometry g, float[] gd, float[] xd, float[] wd, float[] dx, float[] dwt) {
        int chunk = chunk(g), chunks = (g.n() + chunk - 1) / chunk;
        if (chunks < SLABS) {
            vjpChunks(g, gd, xd, wd, dx, dwt, 0, chunks, chunk);
            return;
        }
        float[][] sums = new float[SLABS][];
        List<Supplier<Void>> jobs = new ArrayList<>();
        for (int s = 0; s < SLABS; s++) {
            int slab = s, c0 = s * chunks / SLABS, c1 = (s + 1) * chunks / SLABS;
            sums[s] = dwt == null ? null : s == 0 ? dwt : new float[dwt.length];
            jobs.add(() -> {
                vjpChunks(g, gd, xd, wd, dx, sums[slab], c0, c1, chunk);
                return null;
            });
        }
        Parallel.map(jobs);
        for (int s = 1; s < SLABS && dwt != null; s++) {
            for (int i = 0; i < dwt.length; i++) dwt[i] += sums[s][i];
        }
    }

    /** The VJP of chunks [c0, c1); dW accumulates into dwt. */
    private static void vjpChunks(ConvGeometry g, float[] gd, float[] xd, float[] wd, float[] dx, float[] dwt, int c0, int c1, int chunk) {
        boolean needX = dx != null, needW = dwt != null, direct = pointwise(g);
        int k = g.k(), p = g.p(), og = g.og(), cg = g.cg(), h = g.h(), w = g.w(), groups = g.groups();
        float[] col = chunk == 1 && direct ? null : new float[k * chunk * p];
        float[] gy = chunk == 1 ? null : new float[og * chunk * p];
        // With fewer filters than terms per filter, the weight gradient is taken transposed: the
        // column matrix is then GEMM's A, read in place, and only dY is packed (transposed),
        // og x ld floats instead of k x ld. The same sums in the same order either way.
        float[] dwT = needW && og < k ? new float[groups * k * og] : null;
        for (int n0 = c0 * chunk; n0 < Math.min(g.n(), c1 * chunk); n0 += chunk) {
            int nc = Math.min(chunk, g.n() - n0), ld = nc * p;
            for (int gi = 0; gi < groups; gi++) {
                int wOff = gi * og * k, xOff = (n0 * g.c() + gi * cg) * h * w;
                float[] dy = gy;
                int dyOff = 0;
                if (nc == 1) {
                    dy = gd;
                    dyOff = (n0 * g.o() + gi * og) * p;
                } else {
                    for (int oc = 0; oc < og; oc++) {
                        for (int i = 0; i < nc; i++) {
                            System.arraycopy(gd, ((n0 + i) * g.o() + gi * og + oc) * p, gy, oc * ld + i * p, p);
                        }
                    }
                }
                if (needW) {
                    float[] b = col;
                    int bOff = 0;
                    if (nc == 1 && direct) {
                        b = xd;
                        bOff = xOff;
                    } else {
                        for (int i = 0; i < nc; i++) {
                            Im2col.im2col(xd, ((n0 + i) * g.c() + gi * cg) * h * w, cg, h, w, g.kh(), g.kw(),
                                    g.sh(), g.sw(), g.ph(), g.pw(), g.dh(), g.dw(), col, ld, i * p);
                        }
                    }
                    if (dwT != null) { // dW_gᵀ += col dY_gᵀ : [k, ld] x [ld, og], col read in place
                        Gemm.sgemm(false, true, k, og, ld, 1f, b, bOff, ld, dy, dyOff, ld, 1f, dwT, gi * k * og, og);
                    } else { // dW_g += dY_g colᵀ : [og, ld] x [ld, k]
                        Gemm.sgemm(false, true, og, k, ld, 1f, dy, dyOff, ld, b, bOff, ld, 1f, dwt, wOff, k);
                    }
                }
                if (needX) {
                    if (nc == 1 && direct) { // dX_g += W_gᵀ dY_g, straight into the image's planes
                        Gemm.sgemm(true, false, k, p, og, 1f, wd, wOff, k, dy, dyOff, p, 1f, dx, xOff, p);
                        continue;
                    }
                    // dcol = W_gᵀ dY_g : [k, og] x [og, ld]
                    Gemm.sgemm(true, false, k, ld, og, 1f, wd, wOff, k, dy, dyOff, ld, 0f, col, 0, ld);
                    for (int i = 0; i < nc; i++) {
                        Im2col.col2im(col, ld, i * p, cg, h, w, g.kh(), g.kw(), g.sh(), g.sw(), g.ph(), g.pw(), g.dh(), g.dw(),
                                dx, ((n0 + i) * g.c() + gi * cg) * h * w);
                    }
                }
            }
        }
        if (dwT != null) {
            for (int gi = 0; gi < groups; gi++) {
                for (int oc = 0; oc < og; oc++) {
                    for (int kk = 0; kk < k; kk++) dwt[(gi * og + oc) * k + kk] += dwT[(gi * k + kk) * og + oc];
                }
            }
        }
    }
}
