package dev.galvani.engine.ops;

import dev.galvani.engine.ShapeException;
import dev.galvani.engine.Tensor;

/**
 * Batch normalisation over axis 1 of x [N, C, ...] with scale {@code gamma} [C] and shift
 * {@code beta} [C] (inputs 1 and 2).
 *
 * <p>Training: {@code x̂ = (x − μ_B) / sqrt(σ²_B + ε)} with the batch mean and biased variance per
 * channel; {@link #batchMean()} and {@link #unbiasedBatchVar()} expose them for the running
 * statistics. VJP (per channel, M values): {@code dx = (γ/σ)(g − mean(g) − x̂ mean(g x̂))}; JVP:
 * {@code ẏ = (γ/σ)(ẋ − mean(ẋ) − x̂ mean(x̂ ẋ)) + γ̇ x̂ + β̇}.
 * Evaluation: the given running statistics are constants and the op is affine.
 */
public final class BatchNorm extends Op {
    private final float eps;
    private final float[] runningMean, runningVar;   // null in training mode
    private float[] mean, invStd, xhat;
    private int n, c, inner;

    /** Training mode. */
    public BatchNorm(float eps) {
        this(eps, null, null);
    }

    /** Evaluation mode with running statistics. */
    public BatchNorm(float eps, float[] runningMean, float[] runningVar) {
        this.eps = eps;
        this.runningMean = runningMean;
        this.runningVar = runningVar;
    }

    @Override public String name() { return "batch_norm"; }

    public float[] batchMean() {
        return mean;
    }

    /** The batch variance with Bessel's correction (what PyTorch feeds the running variance). */
    public float[] unbiasedBatchVar() {
        int m = n * inner;
        float[] v = new float[c];
        for (int ch = 0; ch < c; ch++) {
            double biased = 1.0 / ((double) invStd[ch] * invStd[ch]) - eps;
            v[ch] = (float) (biased * m / Math.max(1, m - 1));
        }
        return v;
    }

    @Override protected Tensor forward(Tensor[] in) {
        Tensor x = in[0];
        if (x.dim() < 2) throw new ShapeException(name(), "input " + x.shapeString() + " has no channel axis");
        n = x.size(0);
        c = x.size(1);
        inner = x.numel() / (n * c);
        if (in[1].numel() != c || in[2].numel() != c) {
            throw new ShapeException(name(), "input has " + c + " channels, weight/bias have " + in[1].numel() + "/" + in[2].numel());
        }
        if (runningMean == null && n * inner < 2) {
            throw new ShapeException(name(), "training needs more than one value per channel, got input " + x.shapeString());
        }
        float[] d = x.data(), g = in[1].data(), b = in[2].data();
        mean = new float[c];
        invStd = new float[c];
        int m = n * inner;
        for (int ch = 0; ch < c; ch++) {
            if (runningMean != null) {
                mean[ch] = runningMean[ch];
                invStd[ch] = (float) (1 / Math.sqrt(runningVar[ch] + eps));
                continue;
            }
            double s = 0;
            for (int i = 0; i < n; i++) {
                int base = (i * c + ch) * inner;
                for (int j = 0; j < inner; j++) s += d[base + j];
            }
            double mu = s / m, v = 0;
            for (int i = 0; i < n; i++) {
                int base = (i * c + ch) * inner;
                for (int j = 0; j < inner; j++) {
                    double e = d[base + j] - mu;
                    v += e * e;
                }
            }
            mean[ch] = (float) mu;
            invStd[ch] = (float) (1 / Math.sqrt(v / m + eps));
        }
        // Training keeps x̂ for the backward pass; evaluation recomputes it only if asked (γ's gradient).
        float[] xh = runningMean == null ? new float[d.length] : null;
        float[] y = new float[d.length];
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < c; ch++) {
                int base = (i * c + ch) * inner;
                float mu = mean[ch], is = invStd[ch], gg = g[ch], bb = b[ch];
                for (int j = 0; j < inner; j++) {
                    float v = (d[base + j] - mu) * is;
                    if (xh != null) xh[base + j] = v;
                    y[base + j] = gg * v + bb;
                }
            }
        }
        xhat = xh;
        return new Tensor(y, x.shape());
    }

    /** x̂, kept from a training forward pass or recomputed (evaluation) on first use. */
    private float[] xhat() {
        if (xhat != null) return xhat;
        float[] d = in[0].data(), xh = new float[d.length];
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < c; ch++) {
                int base = (i * c + ch) * inner;
                float mu = mean[ch], is = invStd[ch];
                for (int j = 0; j < inner; j++) xh[base + j] = (d[base + j] - mu) * is;
            }
        }
        return xhat = xh;
    }

    /** Per channel: Σ v and Σ v·x̂. */
    private double[][] sums(float[] v) {
        float[] xhat = xhat();
        double[] s = new double[c], sx = new double[c];
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < c; ch++) {
                int base = (i * c + ch) * inner;
                // float partial sums over one plane (vectorisable), accumulated in double across planes
                float a = 0f, b = 0f;
                for (int j = 0; j < inner; j++) {
                    float vj = v[base + j];
                    a += vj;
                    b += vj * xhat[base + j];
                }
                s[ch] += a;
                sx[ch] += b;
            }
        }
        return new double[][] {s, sx};
    }

    /** {@code (γ/σ)(v − mean(v) − x̂ mean(x̂ v))} in training, {@code (γ/σ) v} in evaluation. */
    private float[] normalisedDerivative(float[] v) {
        float[] g = in[1].data(), r = new float[v.length];
        int m = n * inner;
        double[][] s = runningMean == null ? sums(v) : null;
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < c; ch++) {
                int base = (i * c + ch) * inner;
                float scale = g[ch] * invStd[ch];
                if (s == null) { // evaluation: affine
                    for (int j = 0; j < inner; j++) r[base + j] = scale * v[base + j];
                    continue;
                }
                float mv = (float) (s[0][ch] / m), mxv = (float) (s[1][ch] / m);
                for (int j = 0; j < inner; j++) r[base + j] = scale * (v[base + j] - mv - xhat[base + j] * mxv);
            }
        }
        return r;
    }

    @Override protected Tensor[] vjp(Tensor grad) {
        float[] gd = grad.data();
        Tensor[] out = new Tensor[3];
        if (in[0].requiresGrad()) out[0] = new Tensor(normalisedDerivative(gd), in[0].shape());
        if (in[1].requiresGrad() || in[2].requiresGrad()) {
            double[][] s = sums(gd);
            float[] dg = new float[c], db = new float[c];
            for (int ch = 0; ch < c; ch++) {
                dg[ch] = (float) s[1][ch];
                db[ch] = (float) s[0][ch];
            }
            out[1] = new Tensor(dg, in[1].shape());
            out[2] = new Tensor(db, in[2].shape());
        }
        return out;
    }

    @Override protected Tensor jvp(Tensor[] t) {
        float[] y = t[0] != null ? normalisedDerivative(t[0].data()) : new float[in[0].numel()];
        float[] tg = t[1] == null ? null : t[1].data(), tb = t.length > 2 && t[2] != null ? t[2].data() : null;
        if (tg != null || tb != null) {
            float[] xhat = xhat();
            for (int i = 0; i < n; i++) {
                for (int ch = 0; ch < c; ch++) {
                    int base = (i * c + ch) * inner;
                    float a = tg == null ? 0f : tg[ch], b = tb == null ? 0f : tb[ch];
                    for (int j = 0; j < inner; j++) y[base + j] += a * xhat[base + j] + b;
                }
            }
        }
        return new Tensor(y, in[0].shape());
    }
}
