package dev.galvani.engine.ops;

import dev.galvani.engine.ShapeException;
import dev.galvani.engine.Tensor;
import dev.galvani.kernels.Normalization;

/**
 * Batch normalisation over axis 1 of x [N, C, ...] with scale {@code gamma} [C] and shift
 * {@code beta} [C] (inputs 1 and 2).
 *
 * <p>Training: {@code x̂ = (x − μ_B) / sqrt(σ²_B + ε)} with the batch mean and biased variance per
 * channel; {@link #batchMean()} and {@link #unbiasedBatchVar()} expose them for the running
 * statistics. VJP (per channel, M values): {@code dx = (γ/σ)(g − mean(g) − x̂ mean(g x̂))}; JVP:
 * {@code ẏ = (γ/σ)(ẋ − mean(ẋ) − x̂ mean(x̂ ẋ)) + γ̇ x̂ + β̇}.
 * Evaluation: the given running statistics are constants and the op is affine. The passes are
 * {@link Normalization}'s kernels (x̂ recomputed where needed, never stored).
 */
public final class BatchNorm extends Op {
    private final float eps;
    private final float[] runningMean, runningVar;   // null in training mode
    private float[] mean, invStd;
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
        float[] d = x.data();
        mean = new float[c];
        invStd = new float[c];
        if (runningMean != null) {
            for (int ch = 0; ch < c; ch++) {
                mean[ch] = runningMean[ch];
                invStd[ch] = (float) (1 / Math.sqrt(runningVar[ch] + eps));
            }
        } else {
            Normalization.batchStatistics(d, n, c, inner, eps, mean, invStd);
        }
        float[] y = new float[d.length];
        Normalization.normalize(d, n, c, inner, mean, invStd, in[1].data(), in[2].data(), y);
        return new Tensor(y, x.shape());
    }

    /** Per channel: Σ v and Σ v·x̂ (x̂ recomputed from the input, not stored). */
    private double[][] sums(float[] v) {
        double[] s = new double[c], sx = new double[c];
        Normalization.gradientSums(v, in[0].data(), n, c, inner, mean, invStd, s, sx);
        return new double[][] {s, sx};
    }

    /** {@code (γ/σ)(v − mean(v) − x̂ mean(x̂ v))} in training, {@code (γ/σ) v} in evaluation; s: {@link #sums} of v. */
    private float[] normalisedDerivative(float[] v, double[][] s) {
        float[] r = new float[v.length];
        Normalization.normalizedDerivative(v, in[0].data(), n, c, inner, mean, invStd, in[1].data(),
                s == null ? null : s[0], s == null ? null : s[1], r);
        return r;
    }

    @Override protected Tensor[] vjp(Tensor grad) {
        float[] gd = grad.data();
        Tensor[] out = new Tensor[3];
        boolean params = in[1].requiresGrad() || in[2].requiresGrad();
        double[][] s = runningMean == null || params ? sums(gd) : null;
        if (in[0].requiresGrad()) out[0] = new Tensor(normalisedDerivative(gd, runningMean == null ? s : null), in[0].shape());
        if (params) {
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
        float[] y = t[0] != null ? normalisedDerivative(t[0].data(), runningMean == null ? sums(t[0].data()) : null)
                : new float[in[0].numel()];
        float[] tg = t[1] == null ? null : t[1].data(), tb = t.length > 2 && t[2] != null ? t[2].data() : null;
        if (tg != null || tb != null) {
            float[] d = in[0].data();
            for (int i = 0; i < n; i++) {
                for (int ch = 0; ch < c; ch++) {
                    int base = (i * c + ch) * inner;
                    float a = tg == null ? 0f : tg[ch], b = tb == null ? 0f : tb[ch], mu = mean[ch], is = invStd[ch];
                    for (int j = 0; j < inner; j++) y[base + j] += a * ((d[base + j] - mu) * is) + b;
                }
            }
        }
        return new Tensor(y, in[0].shape());
    }
}
