package dev.galvani.engine.ops;

import dev.galvani.engine.ShapeException;
import dev.galvani.engine.Tensor;

/**
 * Local response normalisation across channels (Krizhevsky, Sutskever, Hinton 2012, section 3.3;
 * ONNX {@code LRN}, {@code torch.nn.LocalResponseNorm}): for x [N, C, ...],
 * {@code y_c = x_c / d_c^β} with {@code d_c = k + (α/n) Σ_{c' ∈ W(c)} x_{c'}²} over the window
 * {@code W(c) = [c − ⌊(n−1)/2⌋, c + ⌈(n−1)/2⌉]} clipped to the channels.
 *
 * <p>Derivative: {@code ∂y_c/∂x_j = δ_cj d_c^−β − (2αβ/n) x_c x_j d_c^(−β−1) [j ∈ W(c)]}. VJP:
 * {@code dx_j = g_j d_j^−β − (2αβ/n) x_j Σ_{c: j ∈ W(c)} g_c x_c d_c^(−β−1)}; JVP:
 * {@code ẏ_c = ẋ_c d_c^−β − (2αβ/n) x_c d_c^(−β−1) Σ_{j ∈ W(c)} x_j ẋ_j}.
 */
public final class LocalResponseNorm extends Op {
    private final int size;
    private final float alpha, beta, k;
    private float[] d; // d_c per element
    private int n, c, inner;

    public LocalResponseNorm(int size, float alpha, float beta, float k) {
        this.size = size;
        this.alpha = alpha;
        this.beta = beta;
        this.k = k;
    }

    @Override public String name() { return "local_response_norm"; }

    private int lo(int ch) { return Math.max(0, ch - (size - 1) / 2); }
    private int hi(int ch) { return Math.min(c - 1, ch + size / 2); } // ⌈(n−1)/2⌉ = ⌊n/2⌋

    @Override protected Tensor forward(Tensor[] in) {
        Tensor x = in[0];
        if (x.dim() < 3) throw new ShapeException(name(), "input " + x.shapeString() + " is not [N, C, ...]");
        if (!x.isHost()) {
            throw new dev.galvani.engine.GalvaniException(name() + ": no device kernel yet, the input is on " + x.device()
                    + " (run this model with --device cpu)");
        }
        n = x.size(0);
        c = x.size(1);
        inner = x.numel() / (n * c);
        float[] xd = x.data(), y = new float[xd.length];
        d = windowSums(xd, xd);
        for (int i = 0; i < y.length; i++) {
            d[i] = k + alpha / size * d[i];
            y[i] = (float) (xd[i] * Math.pow(d[i], -beta));
        }
        return new Tensor(y, x.shape());
    }

    /** {@code Σ_{j ∈ W(c)} a_j b_j} for every element (window over channels). */
    private float[] windowSums(float[] a, float[] b) {
        float[] s = new float[a.length];
        for (int b0 = 0; b0 < n; b0++) {
            for (int ch = 0; ch < c; ch++) {
                int dst = (b0 * c + ch) * inner;
                for (int j = lo(ch); j <= hi(ch); j++) {
                    int src = (b0 * c + j) * inner;
                    for (int p = 0; p < inner; p++) s[dst + p] += a[src + p] * b[src + p];
                }
            }
        }
        return s;
    }

    /** Σ over the channels c whose window holds j: the transpose of {@link #windowSums}. */
    private float[] windowSumsTransposed(float[] v) {
        float[] s = new float[v.length];
        for (int b0 = 0; b0 < n; b0++) {
            for (int ch = 0; ch < c; ch++) {
                int src = (b0 * c + ch) * inner;
                for (int j = lo(ch); j <= hi(ch); j++) {
                    int dst = (b0 * c + j) * inner;
                    for (int p = 0; p < inner; p++) s[dst + p] += v[src + p];
                }
            }
        }
        return s;
    }

    @Override protected Tensor[] vjp(Tensor g) {
        float[] x = in[0].data(), gd = g.data(), w = new float[x.length], dx = new float[x.length];
        float coef = 2 * alpha * beta / size;
        for (int i = 0; i < x.length; i++) w[i] = (float) (gd[i] * x[i] * Math.pow(d[i], -beta - 1));
        float[] s = windowSumsTransposed(w);
        for (int i = 0; i < x.length; i++) dx[i] = (float) (gd[i] * Math.pow(d[i], -beta)) - coef * x[i] * s[i];
        return new Tensor[] {new Tensor(dx, in[0].shape())};
    }

    @Override protected Tensor jvp(Tensor[] t) {
        float[] x = in[0].data(), td = t[0].data(), y = new float[x.length];
        float coef = 2 * alpha * beta / size;
        float[] s = windowSums(x, td);
        for (int i = 0; i < x.length; i++) {
            y[i] = (float) (td[i] * Math.pow(d[i], -beta) - coef * x[i] * Math.pow(d[i], -beta - 1) * s[i]);
        }
        return new Tensor(y, in[0].shape());
    }
}
