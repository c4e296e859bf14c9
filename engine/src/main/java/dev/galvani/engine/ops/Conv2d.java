package dev.galvani.engine.ops;

import dev.galvani.engine.ShapeException;
import dev.galvani.engine.Tensor;
import dev.galvani.kernels.Backend;
import dev.galvani.kernels.Backends;
import dev.galvani.kernels.CpuBackend;
import dev.galvani.kernels.DirectConv;
import dev.galvani.kernels.Depthwise;
import dev.galvani.kernels.Im2col;
import dev.galvani.kernels.Parallel;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * 2-d convolution (cross-correlation, as PyTorch): x [N, C, H, W], weight [O, C/groups, kh, kw],
 * optional bias [O], with stride, padding, dilation and groups (depthwise when groups == C).
 *
 * <p>Per group, a chunk of the batch is unfolded into one column matrix [C/g·kh·kw, n·Ho·Wo]
 * ({@link Im2col}) and multiplied by the group's weights in one GEMM. VJP: {@code dW = dY colᵀ},
 * {@code dX = col2im(Wᵀ dY)}, {@code db = Σ dY}. JVP: {@code conv(ẋ, W) + conv(x, Ẇ) + ḃ}.
 * Depthwise layers (one input and one output channel per group) skip the unfolding and run the
 * direct kernel {@link Depthwise} instead; on the CPU with the Vector API, 'same' stride-1 layers
 * (3x3 padding 1, 5x5 padding 2, ...) run {@link DirectConv}, which reads the shifted planes in
 * place of the column matrix: its forward pass is bit-identical to the unfolding, and its
 * gradients are the same sums in another order (within the usual float bound of a dot product,
 * checked in the kernel's tests).
 */
public final class Conv2d extends Op {
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
    private final int sh, sw, ph, pw, dh, dw, groups;
    private Geometry geo;
    private Depthwise depthwise; // set when each group has one input and one output channel
    private DirectConv direct;   // set for other 'same' stride-1 layers on the CPU with the Vector API

    public Conv2d(int sh, int sw, int ph, int pw, int dh, int dw, int groups) {
        this.sh = sh;
        this.sw = sw;
        this.ph = ph;
        this.pw = pw;
        this.dh = dh;
        this.dw = dw;
        this.groups = groups;
    }

    public Conv2d(int stride, int padding, int dilation, int groups) {
        this(stride, stride, padding, padding, dilation, dilation, groups);
    }

    @Override public String name() { return "conv2d"; }

    /** Sizes of one application. */
    private record Geometry(int n, int c, int h, int w, int o, int kh, int kw, int ho, int wo, int cg, int og, int k, int p) {}

    @Override protected Tensor forward(Tensor[] in) {
        Tensor x = in[0], wt = in[1];
        if (x.dim() != 4) throw new ShapeException(name(), "input " + x.shapeString() + " is not [N, C, H, W]");
        if (wt.dim() != 4) throw new ShapeException(name(), "weight " + wt.shapeString() + " is not [O, C/groups, kh, kw]");
        int n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
        int o = wt.size(0), kh = wt.size(2), kw = wt.size(3);
        if (c % groups != 0 || o % groups != 0) {
            throw new ShapeException(name(), "channels " + c + " in / " + o + " out are not divisible by groups " + groups);
        }
        if (wt.size(1) * groups != c) {
            throw new ShapeException(name(), "input has " + c + " channels, weight expects " + wt.size(1) * groups
                    + " (input " + x.shapeString() + ", weight " + wt.shapeString() + ", groups " + groups + ")");
        }
        if (in.length > 2 && in[2].numel() != o) {
            throw new ShapeException(name(), "bias has " + in[2].numel() + " values, weight has " + o + " filters");
        }
        int ho = Im2col.outSize(h, kh, sh, ph, dh), wo = Im2col.outSize(w, kw, sw, pw, dw);
        if (ho <= 0 || wo <= 0) {
            throw new ShapeException(name(), "input " + x.shapeString() + " is smaller than the kernel " + kh + "x" + kw);
        }
        int cg = c / groups;
        geo = new Geometry(n, c, h, w, o, kh, kw, ho, wo, cg, o / groups, cg * kh * kw, ho * wo);
        if (cg == 1 && o == groups) {
            depthwise = new Depthwise(c, h, w, kh, kw, sh, sw, ph, pw, dh, dw);
        } else if (DirectConv.applies(h, w, kh, kw, sh, sw, ph, pw, dh, dw) && DirectConv.available()
                && Backends.current() instanceof CpuBackend) {
            direct = new DirectConv(h, w, kh, kw, ph, pw, dh, dw);
        }
        return conv(x, wt, in.length > 2 ? in[2] : null);
    }

    /** Images per GEMM: one when an image has {@link #COLUMNS} positions, more when images are small. */
    private int chunk() {
        int byColumns = (COLUMNS + geo.p - 1) / geo.p;
        return Math.max(1, Math.min(geo.n, Math.min(byColumns, MAX_COL / Math.max(1, geo.k * geo.p))));
    }

    private boolean pointwise() {
        return Im2col.pointwise(geo.kh, geo.kw, sh, sw, ph, pw);
    }

    private Tensor conv(Tensor x, Tensor wt, Tensor b) {
        Geometry g = geo;
        float[] y = new float[g.n * g.o * g.p];
        if (depthwise != null) {
            depthwise.forward(g.n, x.data(), wt.data(), y);
        } else if (direct != null) {
            for (int gi = 0; gi < groups; gi++) {
                direct.forward(g.n, x.data(), gi * g.cg * g.h * g.w, g.c * g.h * g.w, g.cg, wt.data(), gi * g.og * g.k, g.og,
                        y, gi * g.og * g.p, g.o * g.p);
            }
        } else {
            unfoldAndMultiply(x.data(), wt.data(), y);
        }
        if (b != null) {
            float[] bd = b.data();
            for (int i = 0; i < g.n; i++) {
                for (int oc = 0; oc < g.o; oc++) {
                    int base = (i * g.o + oc) * g.p;
                    float bv = bd[oc];
                    for (int q = 0; q < g.p; q++) y[base + q] += bv;
                }
            }
        }
        return new Tensor(y, g.n, g.o, g.ho, g.wo);
    }

    /**
     * One GEMM per group and chunk of images over the unfolded input; y [N, O, P] is overwritten.
     * A chunk of one image writes straight into y (its [og, P] block is contiguous there), and a
     * pointwise convolution reads its input in place instead of unfolding it. On the CPU the
     * chunks are split over threads (each chunk's outputs computed by one, whole), so that the
     * unfolding and the copies run in parallel too, not only the GEMMs large enough to split.
     */
    private void unfoldAndMultiply(float[] xd, float[] wd, float[] y) {
        Geometry g = geo;
        int chunk = chunk(), chunks = (g.n + chunk - 1) / chunk;
        if (!(Backends.current() instanceof CpuBackend)) {
            multiplyChunks(xd, wd, y, 0, chunks, chunk);
            return;
        }
        Parallel.split(chunks, (long) g.n * g.o * g.p * g.k, PARALLEL_WORK, (c0, c1) -> multiplyChunks(xd, wd, y, c0, c1, chunk));
    }

    /** Chunks [c0, c1) of {@code chunk} images each. */
    private void multiplyChunks(float[] xd, float[] wd, float[] y, int c0, int c1, int chunk) {
        Geometry g = geo;
        Backend be = Backends.current();
        boolean direct = pointwise();
        float[] col = chunk == 1 && direct ? null : new float[g.k * chunk * g.p];
        float[] tmp = chunk == 1 ? null : new float[g.og * chunk * g.p];
        for (int n0 = c0 * chunk; n0 < Math.min(g.n, c1 * chunk); n0 += chunk) {
            int nc = Math.min(chunk, g.n - n0), ld = nc * g.p;
            for (int gi = 0; gi < groups; gi++) {
                int wOff = gi * g.og * g.k;
                if (nc == 1) {
                    int xOff = (n0 * g.c + gi * g.cg) * g.h * g.w, yOff = (n0 * g.o + gi * g.og) * g.p;
                    float[] b = xd;
                    int bOff = xOff;
                    if (!direct) {
                        Im2col.im2col(xd, xOff, g.cg, g.h, g.w, g.kh, g.kw, sh, sw, ph, pw, dh, dw, col, g.p, 0);
                        b = col;
                        bOff = 0;
                    }
                    be.sgemm(false, false, g.og, g.p, g.k, 1f, wd, wOff, g.k, b, bOff, g.p, 0f, y, yOff, g.p);
                    continue;
                }
                for (int i = 0; i < nc; i++) {
                    Im2col.im2col(xd, ((n0 + i) * g.c + gi * g.cg) * g.h * g.w, g.cg, g.h, g.w, g.kh, g.kw,
                            sh, sw, ph, pw, dh, dw, col, ld, i * g.p);
                }
                be.sgemm(false, false, g.og, ld, g.k, 1f, wd, wOff, g.k, col, 0, ld, 0f, tmp, 0, ld);
                // [og, nc·P] to y[n, gi·og + oc, P]
                for (int oc = 0; oc < g.og; oc++) {
                    for (int i = 0; i < nc; i++) {
                        System.arraycopy(tmp, oc * ld + i * g.p, y, ((n0 + i) * g.o + gi * g.og + oc) * g.p, g.p);
                    }
                }
            }
        }
    }

    @Override protected Tensor[] vjp(Tensor grad) {
        Geometry g = geo;
        Tensor x = in[0], wt = in[1];
        boolean needX = x.requiresGrad(), needW = wt.requiresGrad();
        float[] dx = needX ? new float[x.numel()] : null;
        float[] dwt = needW ? new float[wt.numel()] : null;
        float[] gd = grad.data(), xd = x.data(), wd = wt.data();
        if (depthwise != null) {
            if (needX) depthwise.backwardInput(g.n, gd, wd, dx);
            if (needW) depthwise.backwardWeight(g.n, gd, xd, dwt);
        } else if (direct != null) {
            int xPlane = g.h * g.w;
            for (int gi = 0; gi < groups; gi++) {
                if (needX) {
                    direct.backwardInput(g.n, gd, gi * g.og * g.p, g.o * g.p, g.og, wd, gi * g.og * g.k, g.cg,
                            dx, gi * g.cg * xPlane, g.c * xPlane);
                }
                if (needW) {
                    direct.backwardWeight(g.n, gd, gi * g.og * g.p, g.o * g.p, g.og, xd, gi * g.cg * xPlane, g.c * xPlane, g.cg,
                            dwt, gi * g.og * g.k);
                }
            }
        } else {
            unfoldedVjp(gd, xd, wd, dx, dwt);
        }
        Tensor[] out = new Tensor[in.length];
        if (needX) out[0] = new Tensor(dx, x.shape());
        if (needW) out[1] = new Tensor(dwt, wt.shape());
        if (in.length > 2 && in[2].requiresGrad()) {
            float[] db = new float[g.o];
            for (int i = 0; i < g.n; i++) {
                for (int oc = 0; oc < g.o; oc++) {
                    double s = 0;
                    int base = (i * g.o + oc) * g.p;
                    for (int q = 0; q < g.p; q++) s += gd[base + q];
                    db[oc] += (float) s;
                }
            }
            out[2] = new Tensor(db, in[2].shape());
        }
        return out;
    }

    /**
     * VJP through the unfolding: {@code dW += dY colᵀ}, {@code dX += col2im(Wᵀ dY)} (null: not
     * wanted). For a chunk of one image dY is read in place, and a pointwise convolution uses x as
     * its own column matrix and accumulates dX without folding. On the CPU the chunks form
     * {@link #SLABS} slabs run in parallel: each slab adds its chunks' dW into a sum of its own, in
     * chunk order, and the slabs' sums are added in slab order, so the numbers do not depend on the
     * thread count (the slab count is fixed).
     */
    private void unfoldedVjp(float[] gd, float[] xd, float[] wd, float[] dx, float[] dwt) {
        Geometry g = geo;
        int chunk = chunk(), chunks = (g.n + chunk - 1) / chunk;
        if (chunks < SLABS || !(Backends.current() instanceof CpuBackend)) {
            vjpChunks(gd, xd, wd, dx, dwt, 0, chunks, chunk);
            return;
        }
        float[][] sums = new float[SLABS][];
        List<Supplier<Void>> jobs = new ArrayList<>();
        for (int s = 0; s < SLABS; s++) {
            int slab = s, c0 = s * chunks / SLABS, c1 = (s + 1) * chunks / SLABS;
            sums[s] = dwt == null ? null : s == 0 ? dwt : new float[dwt.length];
            jobs.add(() -> {
                vjpChunks(gd, xd, wd, dx, sums[slab], c0, c1, chunk);
                return null;
            });
        }
        Parallel.map(jobs);
        for (int s = 1; s < SLABS && dwt != null; s++) {
            for (int i = 0; i < dwt.length; i++) dwt[i] += sums[s][i];
        }
    }

    /** The VJP of chunks [c0, c1); dW accumulates into dwt. */
    private void vjpChunks(float[] gd, float[] xd, float[] wd, float[] dx, float[] dwt, int c0, int c1, int chunk) {
        Geometry g = geo;
        Backend be = Backends.current();
        boolean needX = dx != null, needW = dwt != null, direct = pointwise();
        float[] col = chunk == 1 && direct ? null : new float[g.k * chunk * g.p];
        float[] gy = chunk == 1 ? null : new float[g.og * chunk * g.p];
        // With fewer filters than terms per filter, the weight gradient is taken transposed: the
        // column matrix is then GEMM's A, read in place, and only dY is packed (transposed),
        // og x ld floats instead of k x ld. The same sums in the same order either way.
        float[] dwT = needW && g.og < g.k ? new float[groups * g.k * g.og] : null;
        for (int n0 = c0 * chunk; n0 < Math.min(g.n, c1 * chunk); n0 += chunk) {
            int nc = Math.min(chunk, g.n - n0), ld = nc * g.p;
            for (int gi = 0; gi < groups; gi++) {
                int wOff = gi * g.og * g.k, xOff = (n0 * g.c + gi * g.cg) * g.h * g.w;
                float[] dy = gy;
                int dyOff = 0;
                if (nc == 1) {
                    dy = gd;
                    dyOff = (n0 * g.o + gi * g.og) * g.p;
                } else {
                    for (int oc = 0; oc < g.og; oc++) {
                        for (int i = 0; i < nc; i++) {
                            System.arraycopy(gd, ((n0 + i) * g.o + gi * g.og + oc) * g.p, gy, oc * ld + i * g.p, g.p);
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
                            Im2col.im2col(xd, ((n0 + i) * g.c + gi * g.cg) * g.h * g.w, g.cg, g.h, g.w, g.kh, g.kw,
                                    sh, sw, ph, pw, dh, dw, col, ld, i * g.p);
                        }
                    }
                    if (dwT != null) { // dW_gᵀ += col dY_gᵀ : [k, ld] x [ld, og], col read in place
                        be.sgemm(false, true, g.k, g.og, ld, 1f, b, bOff, ld, dy, dyOff, ld, 1f, dwT, gi * g.k * g.og, g.og);
                    } else { // dW_g += dY_g colᵀ : [og, ld] x [ld, k]
                        be.sgemm(false, true, g.og, g.k, ld, 1f, dy, dyOff, ld, b, bOff, ld, 1f, dwt, wOff, g.k);
                    }
                }
                if (needX) {
                    if (nc == 1 && direct) { // dX_g += W_gᵀ dY_g, straight into the image's planes
                        be.sgemm(true, false, g.k, g.p, g.og, 1f, wd, wOff, g.k, dy, dyOff, g.p, 1f, dx, xOff, g.p);
                        continue;
                    }
                    // dcol = W_gᵀ dY_g : [k, og] x [og, ld]
                    be.sgemm(true, false, g.k, ld, g.og, 1f, wd, wOff, g.k, dy, dyOff, ld, 0f, col, 0, ld);
                    for (int i = 0; i < nc; i++) {
                        Im2col.col2im(col, ld, i * g.p, g.cg, g.h, g.w, g.kh, g.kw, sh, sw, ph, pw, dh, dw,
                                dx, ((n0 + i) * g.c + gi * g.cg) * g.h * g.w);
                    }
                }
            }
        }
        if (dwT != null) {
            for (int gi = 0; gi < groups; gi++) {
                for (int oc = 0; oc < g.og; oc++) {
                    for (int kk = 0; kk < g.k; kk++) dwt[(gi * g.og + oc) * g.k + kk] += dwT[(gi * g.k + kk) * g.og + oc];
                }
            }
        }
    }

    @Override protected Tensor jvp(Tensor[] t) {
        Tensor y = null;
        if (t[0] != null) y = conv(t[0], in[1], null);
        if (t[1] != null) y = addTangents(y, conv(in[0], t[1], null));
        if (t.length > 2 && t[2] != null) {
            Tensor zero = Tensor.zeros(geo.o, geo.cg, geo.kh, geo.kw);
            y = addTangents(y, conv(in[0], zero, t[2]));
        }
        return y;
    }
}
