package dev.galvani.kernels;

/**
 * The CPU reference of 2-d convolution (cross-correlation, as PyTorch) and its gradients, on host
 * arrays in the layouts of {@link ConvGeometry}.
 *
 * <p>Per group, a chunk of the batch is unfolded into one column matrix [C/g·kh·kw, n·Ho·Wo]
 * ({@link Im2col}) and multiplied by the group's weights in one GEMM. VJP: {@code dW = dY colᵀ},
 * {@code dX = col2im(Wᵀ dY)}, {@code db = Σ dY}. Depthwise layers (one input and one output
 * channel per group) skip the unfolding and run the direct kernel {@link Depthwise} instead.
 */
public final class Convolution {
    /**
     * Output positions (images x Ho x Wo) per GEMM: enough columns for the kernel's panels, few
     * enough that the column matrix stays in cache. {@code -Dgalvani.conv.columns} overrides it.
     */
    private static final int COLUMNS = Integer.getInteger("galvani.conv.columns", 256);
    /** Most floats in one column matrix (64 MB), whatever the chunk. */
    private static final int MAX_COL = 16 << 20;

    private Convolution() {}

    private static Depthwise depthwise(ConvGeometry g) {
        return new Depthwise(g.c(), g.h(), g.w(), g.kh(), g.kw(), g.sh(), g.sw(), g.ph(), g.pw(), g.dh(), g.dw());
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
        if (g.depthwise()) depthwise(g).forward(g.n(), x, wt, y);
        else unfoldAndMultiply(g, x, wt, y);
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
     * pointwise convolution reads its input in place instead of unfolding it.
     */
    private static void unfoldAndMultiply(ConvGeometry g, float[] xd, float[] wd, float[] y) {
        int chunk = chunk(g), k = g.k(), p = g.p(), og = g.og(), cg = g.cg(), h = g.h(), w = g.w();
        boolean direct = pointwise(g);
        float[] col = chunk == 1 && direct ? null : new float[k * chunk * p];
        float[] tmp = chunk == 1 ? null : new float[og * chunk * p];
        for (int n0 = 0; n0 < g.n(); n0 += chunk) {
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
        if (g.depthwise()) {
            Depthwise d = depthwise(g);
            if (dx != null) d.backwardInput(g.n(), gd, wd, dx);
            if (dwt != null) d.backwardWeight(g.n(), gd, xd, dwt);
        } else if (dx != null || dwt != null) {
            unfoldedVjp(g, gd, xd, wd, dx, dwt);
        }
        if (db != null) {
            int p = g.p();
            for (int i = 0; i < g.n(); i++) {
                for (int oc = 0; oc < g.o(); oc++) {
                    double s = 0;
                    int base = (i * g.o() + oc) * p;
                    for (int q = 0; q < p; q++) s += gd[base + q];
                    db[oc] += (float) s;
                }
            }
        }
    }

    /**
     * VJP through the unfolding: {@code dW += dY colᵀ}, {@code dX += col2im(Wᵀ dY)} (null: not
     * wanted). For a chunk of one image dY is read in place, and a pointwise convolution uses x as
     * its own column matrix and accumulates dX without folding.
     */
    private static void unfoldedVjp(ConvGeometry g, float[] gd, float[] xd, float[] wd, float[] dx, float[] dwt) {
        boolean needX = dx != null, needW = dwt != null, direct = pointwise(g);
        int chunk = chunk(g), k = g.k(), p = g.p(), og = g.og(), cg = g.cg(), h = g.h(), w = g.w();
        float[] col = chunk == 1 && direct ? null : new float[k * chunk * p];
        float[] gy = chunk == 1 ? null : new float[og * chunk * p];
        for (int n0 = 0; n0 < g.n(); n0 += chunk) {
            int nc = Math.min(chunk, g.n() - n0), ld = nc * p;
            for (int gi = 0; gi < g.groups(); gi++) {
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
                    // dW_g += dY_g colᵀ : [og, ld] x [ld, k]
                    Gemm.sgemm(false, true, og, k, ld, 1f, dy, dyOff, ld, b, bOff, ld, 1f, dwt, wOff, k);
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
    }
}
