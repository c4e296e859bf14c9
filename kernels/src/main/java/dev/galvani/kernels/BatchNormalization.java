package dev.galvani.kernels;

/**
 * The CPU reference of batch normalisation over axis 1 of x [n, c, inner] (Ioffe and Szegedy 2015):
 * {@code x̂ = (x − μ) σ⁻¹}, {@code y = γ x̂ + β}, per channel. In training μ and σ² are the batch's
 * (biased variance; sums in double); in evaluation the running statistics. x̂ is recomputed where
 * needed, not stored. Derivatives (per channel, M = n·inner values):
 * {@code (γ/σ)(v − mean(v) − x̂ mean(x̂ v))} in training, {@code (γ/σ) v} in evaluation.
 */
public final class BatchNormalization {
    private BatchNormalization() {}

    /** The batch mean and {@code 1/sqrt(var + eps)} per channel. */
    public static void batchStatistics(int n, int c, int inner, float[] d, float eps, float[] mean, float[] invStd) {
        int m = n * inner;
        for (int ch = 0; ch < c; ch++) {
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
    }

    /** Evaluation: the running mean and {@code 1/sqrt(running var + eps)}. */
    public static void runningStatistics(float[] runningMean, float[] runningVar, float eps, float[] mean, float[] invStd) {
        for (int ch = 0; ch < mean.length; ch++) {
            mean[ch] = runningMean[ch];
            invStd[ch] = (float) (1 / Math.sqrt(runningVar[ch] + eps));
        }
    }

    /** {@code y = γ (x − μ) σ⁻¹ + β}. */
    public static void normalise(int n, int c, int inner, float[] d, float[] mean, float[] invStd, float[] g, float[] b, float[] y) {
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < c; ch++) {
                int base = (i * c + ch) * inner;
                float mu = mean[ch], is = invStd[ch], gg = g[ch], bb = b[ch];
                for (int j = 0; j < inner; j++) y[base + j] = gg * ((d[base + j] - mu) * is) + bb;
            }
        }
    }

    /** Per channel: Σ v (into s) and Σ v·x̂ (into sx), float partial sums over a plane added in double. */
    static void sums(int n, int c, int inner, float[] d, float[] mean, float[] invStd, float[] v, double[] s, double[] sx) {
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < c; ch++) {
                int base = (i * c + ch) * inner;
                float mu = mean[ch], is = invStd[ch];
                float a = 0f, b = 0f;
                for (int j = 0; j < inner; j++) {
                    float vj = v[base + j];
                    a += vj;
                    b += vj * ((d[base + j] - mu) * is);
                }
                s[ch] += a;
                sx[ch] += b;
            }
        }
    }

    /** {@code r = (γ/σ)(v − mean(v) − x̂ mean(x̂ v))} (training) or {@code (γ/σ) v} (evaluation). */
    public static void derivative(int n, int c, int inner, float[] d, float[] mean, float[] invStd, float[] g, float[] v,
                                  boolean training, float[] r) {
        int m = n * inner;
        double[] s = null, sx = null;
        if (training) {
            s = new double[c];
            sx = new double[c];
            sums(n, c, inner, d, mean, invStd, v, s, sx);
        }
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < c; ch++) {
                int base = (i * c + ch) * inner;
                float scale = g[ch] * invStd[ch];
                if (!training) {
                    for (int j = 0; j < inner; j++) r[base + j] = scale * v[base + j];
                    continue;
                }
                float mu = mean[ch], is = invStd[ch];
                float mv = (float) (s[ch] / m), mxv = (float) (sx[ch] / m);
                for (int j = 0; j < inner; j++) r[base + j] = scale * (v[base + j] - mv - ((d[base + j] - mu) * is) * mxv);
            }
        }
    }

    /** The gradients of γ (Σ g x̂) and β (Σ g) per channel. */
    public static void parameterGradients(int n, int c, int inner, float[] d, float[] mean, float[] invStd, float[] gd,
                                          float[] dGamma, float[] dBeta) {
        double[] s = new double[c], sx = new double[c];
        sums(n, c, inner, d, mean, invStd, gd, s, sx);
        for (int ch = 0; ch < c; ch++) {
            dGamma[ch] = (float) sx[ch];
            dBeta[ch] = (float) s[ch];
        }
    }

    /** Adds {@code γ̇ x̂ + β̇} into y (either tangent may be null). */
    public static void addAffineTangent(int n, int c, int inner, float[] d, float[] mean, float[] invStd, float[] tg, float[] tb, float[] y) {
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < c; ch++) {
                int base = (i * c + ch) * inner;
                float a = tg == null ? 0f : tg[ch], b = tb == null ? 0f : tb[ch], mu = mean[ch], is = invStd[ch];
                for (int j = 0; j < inner; j++) y[base + j] += a * ((d[base + j] - mu) * is) + b;
            }
        }
    }

    /**
     * Running statistics with momentum (PyTorch): {@code r ← (1 − m) r + m batch}, the variance
     * unbiased (Bessel's correction over M = n·inner values), recovered from {@code invStd}.
     */
    public static void updateRunning(int count, float eps, float momentum, float[] mean, float[] invStd,
                                     float[] runningMean, float[] runningVar) {
        for (int ch = 0; ch < mean.length; ch++) {
            double biased = 1.0 / ((double) invStd[ch] * invStd[ch]) - eps;
            float var = (float) (biased * count / Math.max(1, count - 1));
            runningMean[ch] = (1 - momentum) * runningMean[ch] + momentum * mean[ch];
            runningVar[ch] = (1 - momentum) * runningVar[ch] + momentum * var;
        }
    }
}
