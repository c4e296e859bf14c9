package dev.galvani.kernels;

/**
 * Direct depthwise convolution (one input and one output channel per group, MobileNet's 3x3
 * depthwise layers). Through {@link Im2col} such a layer is one tiny GEMM per channel
 * ([1, 9] x [9, N·Ho·Wo]) plus an unfolding that copies the input nine times; here each kernel tap
 * is a scaled add along an output row. With the Vector API, 'same' layers of any stride run
 * {@link DepthwiseVector}'s kernels over a bordered grid instead (sixteen outputs per FMA; 5-10x
 * faster than these loops, which the JIT vectorises poorly for 7- to 28-wide rows).
 *
 * <p>Layouts: {@code x} [N, C, H, W], {@code w} [C, 1, kh, kw], {@code y} [N, C, Ho, Wo], all
 * row-major. A <em>plane</em> is one (example, channel) pair, {@code p = n * C + c}. Work is split
 * over planes (over channels for the weight gradient, so that each sum keeps one order), so the
 * numbers do not depend on the thread count.
 */
public record Depthwise(int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw) {
    /** Planes x output positions x taps below which one thread does it all. */
    private static final long PARALLEL_WORK = 1L << 18;

    public int ho() {
        return Im2col.outSize(h, kh, sh, ph, dh);
    }

    public int wo() {
        return Im2col.outSize(w, kw, sw, pw, dw);
    }

    /** True when the Vector API kernels ({@link DepthwiseVector}) run this layer. */
    private boolean vector() {
        return Gemm.vectorApi() && DepthwiseVector.applies(this);
    }

    /** {@code y = conv(x, wt)} for {@code n} examples (y is overwritten). */
    public void forward(int n, float[] x, float[] wt, float[] y) {
        int plane = ho() * wo();
        if (vector()) {
            split(n * c, (p0, p1) -> {
                DepthwiseVector.Grid g = new DepthwiseVector.Grid(this);
                for (int p = p0; p < p1; p++) {
                    g.load(x, p * h * w);
                    DepthwiseVector.correlate(g, wt, (p % c) * kh * kw, false);
                    DepthwiseVector.store(g, y, p * plane, ho(), wo());
                }
            });
            return;
        }
        split(n * c, (p0, p1) -> {
            java.util.Arrays.fill(y, p0 * plane, p1 * plane, 0f);
            for (int p = p0; p < p1; p++) taps(p, wt, x, y, Mode.FORWARD, null);
        });
    }

    /** {@code dx += convᵀ(dy, wt)}: the gradient with respect to the input. */
    public void backwardInput(int n, float[] dy, float[] wt, float[] dx) {
        if (vector()) {
            split(n * c, (p0, p1) -> {
                DepthwiseVector.Grid g = new DepthwiseVector.Grid(this);
                for (int p = p0; p < p1; p++) {
                    g.spread(dy, p * ho() * wo(), ho(), wo(), true);
                    DepthwiseVector.correlate(g, wt, (p % c) * kh * kw, true);
                    DepthwiseVector.addInto(g, dx, p * h * w);
                }
            });
            return;
        }
        split(n * c, (p0, p1) -> {
            for (int p = p0; p < p1; p++) taps(p, wt, dx, dy, Mode.INPUT, null);
        });
    }

    /**
     * {@code dwt += Σ_n dy ⋆ x}: the gradient with respect to the weights, [C, 1, kh, kw]. Each
     * thread's slab of channels is walked example by example (x and dy in memory order, one set of
     * tap sums per channel): going channel by channel instead jumps C·H·W floats between planes,
     * which the cache and the TLB punish on small planes. Each channel's sums still add the
     * examples in order, so the numbers are those of the channel-by-channel walk.
     */
    public void backwardWeight(int n, float[] dy, float[] x, float[] dwt) {
        boolean vector = vector();
        int taps = kh * kw;
        // split over channels, but the work is the whole batch's (count x positions x taps alone
        // left MobileNet's layers on one thread)
        Parallel.split(c, (long) n * c * ho() * wo() * taps, PARALLEL_WORK, (c0, c1) -> {
            double[][] acc = new double[c1 - c0][taps];
            DepthwiseVector.Grid g = vector ? new DepthwiseVector.Grid(this) : null;
            for (int i = 0; i < n; i++) {
                for (int ch = c0; ch < c1; ch++) {
                    int p = i * c + ch;
                    if (vector) {
                        g.load(x, p * h * w);
                        g.spread(dy, p * ho() * wo(), ho(), wo(), false);
                        DepthwiseVector.weightSums(g, acc[ch - c0]);
                    } else {
                        taps(p, null, x, dy, Mode.WEIGHT, acc[ch - c0]);
                    }
                }
            }
            for (int ch = c0; ch < c1; ch++) {
                for (int t = 0; t < taps; t++) dwt[ch * taps + t] += (float) acc[ch - c0][t];
            }
        });
    }

    private enum Mode { FORWARD, INPUT, WEIGHT }

    /**
     * Visits every tap of plane {@code p}: for each kernel offset (i, j) and output row, the run of
     * output columns whose input column lies inside the image, {@code ow ∈ [lo, hi)}.
     */
    private void taps(int p, float[] wt, float[] x, float[] y, Mode mode, double[] acc) {
        int ho = ho(), wo = wo(), ch = p % c, xp = p * h * w, yp = p * ho * wo;
        for (int i = 0; i < kh; i++) {
            for (int j = 0; j < kw; j++) {
                int t = i * kw + j;
                float wv = wt == null ? 0f : wt[ch * kh * kw + t];
                int iw0 = j * dw - pw;
                int lo = iw0 >= 0 ? 0 : (-iw0 + sw - 1) / sw;
                int hi = iw0 > w - 1 ? 0 : Math.min(wo, (w - 1 - iw0) / sw + 1);
                if (lo >= hi) continue;
                double s = 0;
                for (int oh = 0; oh < ho; oh++) {
                    int ih = oh * sh - ph + i * dh;
                    if (ih < 0 || ih >= h) continue;
                    int xr = xp + ih * w + iw0, yr = yp + oh * wo;
                    switch (mode) {
                        case FORWARD -> {
                            if (sw == 1) for (int ow = lo; ow < hi; ow++) y[yr + ow] += wv * x[xr + ow];
                            else for (int ow = lo; ow < hi; ow++) y[yr + ow] += wv * x[xr + ow * sw];
                        }
                        case INPUT -> {
                            if (sw == 1) for (int ow = lo; ow < hi; ow++) x[xr + ow] += wv * y[yr + ow];
                            else for (int ow = lo; ow < hi; ow++) x[xr + ow * sw] += wv * y[yr + ow];
                        }
                        case WEIGHT -> {
                            float r = 0f;
                            for (int ow = lo; ow < hi; ow++) r += y[yr + ow] * x[xr + ow * sw];
                            s += r;
                        }
                    }
                }
                if (mode == Mode.WEIGHT) acc[t] += s;
            }
        }
    }

    /** Splits [0, count) into contiguous ranges, one per available thread when the work is large. */
    private void split(int count, Parallel.Range body) {
        Parallel.split(count, (long) count * ho() * wo() * kh * kw, PARALLEL_WORK, body);
    }
}
