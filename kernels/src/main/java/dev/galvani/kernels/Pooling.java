package dev.galvani.kernels;

/**
 * Max pooling over planes [P, H, W] (P = examples x channels): each window's maximum and the flat
 * input index of its first maximal element in row-major order (where the gradient goes).
 * Padding counts as −∞, as in PyTorch.
 *
 * <p>Scalar path: each element becomes a {@link #key}, its value's bits made sortable as an
 * integer with its rank in the window below them; the window's largest key names both the maximum
 * and its first position, and {@code Math.max} on longs compiles to conditional moves. (A
 * compare-and-branch per element mispredicts on every other element of real activations and
 * costs three times as much.) Windows of 2x2 and 3x3 inside the image are written out. With the
 * Vector API, 2x2 stride-2 pooling and 3x3 stride-1 pooling with padding 1 ({@link PoolingVector})
 * run sixteen windows per step. A NaN wins its window, as in PyTorch. Planes are split over threads
 * (each output is computed by one thread, so the numbers do not depend on how many).
 */
public final class Pooling {
    /** Outputs (times taps, for the scalar path) below which one thread does all planes. */
    private static final long PARALLEL_WORK = 1L << 16;

    private Pooling() {}

    /** Output size along one dimension. */
    public static int outSize(int in, int k, int stride, int pad) {
        return Im2col.outSize(in, k, stride, pad, 1);
    }

    /**
     * Max pooling of {@code planes} planes of {@code x}; writes {@code y} [P, Ho, Wo] and
     * {@code argmax} (flat indices into {@code x}). Requires {@code pad <= k / 2} and {@code k <= 255}.
     */
    public static void max(float[] x, int planes, int h, int w, int k, int stride, int pad, float[] y, int[] argmax) {
        int ho = outSize(h, k, stride, pad), wo = outSize(w, k, stride, pad);
        if (k == 2 && stride == 2 && pad == 0 && Gemm.vectorApi()) {
            Parallel.split(planes, (long) planes * ho * wo, PARALLEL_WORK, (p0, p1) ->
                    PoolingVector.max2x2s2(x, p0, p1, h, w, y, argmax, (p, oh, o0, o1) -> {
                        for (int ow = o0; ow < o1; ow++) window(x, p * h * w, h, w, k, stride, pad, oh, ow, y, argmax, (p * ho + oh) * wo + ow);
                    }));
            return;
        }
        if (k == 3 && stride == 1 && pad == 1 && Gemm.vectorApi()) {
            Parallel.split(planes, (long) planes * ho * wo, PARALLEL_WORK, (p0, p1) -> {
                PoolingVector.Grid grid = new PoolingVector.Grid(h, w);
                for (int p = p0; p < p1; p++) PoolingVector.max3x3(x, p * h * w, grid, y, argmax, p * h * w);
            });
            return;
        }
        Parallel.split(planes, (long) planes * ho * wo * k * k, PARALLEL_WORK, (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                int base = p * h * w, out = p * ho * wo;
                for (int oh = 0; oh < ho; oh++) {
                    for (int ow = 0; ow < wo; ow++) window(x, base, h, w, k, stride, pad, oh, ow, y, argmax, out + oh * wo + ow);
                }
            }
        });
    }

    /**
     * Max pooling's VJP: {@code gx[argmax[j]] += gy[j]} (an argmax below 0: no input), the windows
     * of each plane in order. A window's maximum lies in its own plane, so planes are independent
     * and are split over threads; each input still receives its windows' gradients in window
     * order, so the numbers do not depend on the thread count.
     */
    public static void maxBackward(float[] gy, int[] argmax, int planes, float[] gx) {
        if (planes == 0 || gy.length == 0) return;
        int per = gy.length / planes;
        Parallel.split(planes, gy.length, PARALLEL_WORK, (p0, p1) -> {
            for (int j = p0 * per; j < p1 * per; j++) {
                int i = argmax[j];
                if (i >= 0) gx[i] += gy[j];
            }
        });
    }

    private static void window(float[] x, int base, int h, int w, int k, int stride, int pad, int oh, int ow,
                               float[] y, int[] argmax, int o) {
        int r0 = oh * stride - pad, c0 = ow * stride - pad, top = base + r0 * w + c0;
        boolean inside = r0 >= 0 && r0 + k <= h && c0 >= 0 && c0 + k <= w;
        long best;
        if (inside && k == 3) best = max3x3(x, top, w);
        else if (inside && k == 2) best = max2x2(x, top, w);
        else best = maxClipped(x, base, h, w, k, r0, c0);
        int rank = 0xffff - (int) (best & 0xffff);
        int at = top + rank / k * w + rank % k;
        y[o] = x[at];
        argmax[o] = at;
    }

    /**
     * The float's bits as an integer that orders like the value (−0 just below +0, every NaN above
     * +∞), shifted left, with {@code 0xffff − rank} below: among equal values the earliest rank wins.
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
    private static long maxClipped(float[] d, int base, int h, int w, int k, int r0, int c0) {
        long best = Long.MIN_VALUE;
        for (int ih = Math.max(0, r0), i1 = Math.min(h, r0 + k); ih < i1; ih++) {
            int row = base + ih * w, rank = (ih - r0) * k - c0;
            for (int iw = Math.max(0, c0), j1 = Math.min(w, c0 + k); iw < j1; iw++) {
                best = Math.max(best, key(d[row + iw], rank + iw));
            }
        }
        return best;
    }
}
