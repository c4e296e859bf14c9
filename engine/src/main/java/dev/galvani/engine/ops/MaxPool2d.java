package dev.galvani.engine.ops;

import dev.galvani.engine.ShapeException;
import dev.galvani.engine.Tensor;
import dev.galvani.kernels.Im2col;

/**
 * 2-d max pooling, [N, C, H, W] to [N, C, Ho, Wo]; padding counts as −∞ (PyTorch). The derivative
 * flows through the first maximal element of each window in row-major order (saved indices).
 *
 * <p>Each element becomes a {@link #key}: its value's bits made sortable as an integer, with its
 * rank in the window in the low bits. The window's largest key names both the maximum and its
 * first position, and is found with {@code Math.max} on longs, which compiles to conditional moves:
 * a compare-and-branch per element mispredicts on every other element of real activations and
 * cost three times as much. Windows of 2x2 and 3x3 that lie inside the image (nearly all of them)
 * are written out in full.
 */
public final class MaxPool2d extends Op {
    private final int k, stride, pad;
    private int[] argmax;

    public MaxPool2d(int kernel, int stride, int padding) {
        this.k = kernel;
        this.stride = stride;
        this.pad = padding;
    }

    @Override public String name() { return "max_pool2d"; }

    @Override protected Tensor forward(Tensor[] in) {
        Tensor x = in[0];
        if (x.dim() != 4) throw new ShapeException(name(), "input " + x.shapeString() + " is not [N, C, H, W]");
        int nc = x.size(0) * x.size(1), h = x.size(2), w = x.size(3);
        int ho = Im2col.outSize(h, k, stride, pad, 1), wo = Im2col.outSize(w, k, stride, pad, 1);
        if (ho <= 0 || wo <= 0 || pad > k / 2) throw new ShapeException(name(), "kernel " + k + " padding " + pad + " do not fit " + x.shapeString());
        if (k > 255) throw new ShapeException(name(), "kernel " + k + " is larger than 255");
        float[] d = x.data(), y = new float[nc * ho * wo];
        argmax = new int[y.length];
        for (int p = 0; p < nc; p++) {
            int base = p * h * w;
            for (int oh = 0; oh < ho; oh++) {
                int r0 = oh * stride - pad;
                boolean rowsInside = r0 >= 0 && r0 + k <= h;
                for (int ow = 0; ow < wo; ow++) {
                    int c0 = ow * stride - pad, top = base + r0 * w + c0;
                    long best;
                    if (rowsInside && c0 >= 0 && c0 + k <= w && k == 3) best = max3x3(d, top, w);
                    else if (rowsInside && c0 >= 0 && c0 + k <= w && k == 2) best = max2x2(d, top, w);
                    else best = maxClipped(d, base, h, w, r0, c0);
                    int rank = 0xffff - (int) (best & 0xffff);
                    int at = top + rank / k * w + rank % k, o = (p * ho + oh) * wo + ow;
                    y[o] = d[at];
                    argmax[o] = at;
                }
            }
        }
        return new Tensor(y, x.size(0), x.size(1), ho, wo);
    }

    /**
     * The float's bits as an integer that orders like the value (−0 just below +0, NaN above +∞),
     * shifted left, with {@code 0xffff − rank} below: among equal values the earliest rank is largest.
     */
    private static long key(float v, int rank) {
        int b = Float.floatToIntBits(v); // every NaN as the one positive NaN
        return ((long) (b ^ ((b >> 31) & 0x7fffffff)) << 16) | (0xffff - rank);
    }

    private static long max3x3(float[] d, int t, int w) {
        int u = t + w, v = u + w;
        long a = Math.max(Math.max(key(d[t], 0), key(d[t + 1], 1)), Math.max(key(d[t + 2], 2), key(d[u], 3)));
        long b = Math.max(Math.max(key(d[u + 1], 4), key(d[u + 2], 5)), Math.max(key(d[v], 6), key(d[v + 1], 7)));
        return Math.max(Math.max(a, b), key(d[v + 2], 8));
    }

    private static long max2x2(float[] d, int t, int w) {
        return Math.max(Math.max(key(d[t], 0), key(d[t + 1], 1)), Math.max(key(d[t + w], 2), key(d[t + w + 1], 3)));
    }

    /** Any window, clipped to the image; ranks count from the unclipped window's top left. */
    private long maxClipped(float[] d, int base, int h, int w, int r0, int c0) {
        long best = Long.MIN_VALUE;
        for (int ih = Math.max(0, r0), i1 = Math.min(h, r0 + k); ih < i1; ih++) {
            int row = base + ih * w, rank = (ih - r0) * k - c0;
            for (int iw = Math.max(0, c0), j1 = Math.min(w, c0 + k); iw < j1; iw++) {
                best = Math.max(best, key(d[row + iw], rank + iw));
            }
        }
        return best;
    }

    @Override protected Tensor[] vjp(Tensor g) {
        float[] dx = new float[in[0].numel()], gd = g.data();
        for (int o = 0; o < argmax.length; o++) dx[argmax[o]] += gd[o];
        return new Tensor[] {new Tensor(dx, in[0].shape())};
    }

    @Override protected Tensor jvp(Tensor[] t) {
        float[] td = t[0].data(), y = new float[argmax.length];
        for (int o = 0; o < y.length; o++) y[o] = td[argmax[o]];
        return new Tensor(y, out.shape());
    }
}
