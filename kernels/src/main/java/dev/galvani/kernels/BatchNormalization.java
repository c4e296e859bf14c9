package dev.galvani.kernels;

/**
 * The CPU reference of batch normalisation over axis 1 of x [n, c, inner] (Ioffe and Szegedy 2015):
 * {@code x̂ = (x − μ) σ⁻¹}, {@code y = γ x̂ + β}, per channel. In training μ and σ² are the batch's
 * (biased variance); in evaluation the running statistics. x̂ is recomputed where needed, not
 * stored. Derivatives (per channel, M = n·inner values): {@code (γ/σ)(v − mean(v) − x̂ mean(x̂ v))}
 * in training, {@code (γ/σ) v} in evaluation. The passes over the values are {@link Normalization}'s.
 */
public final class BatchNormalization {
    private BatchNormalization() {}

    /** The batch mean and {@code 1/sqrt(var + eps)} per channel ({@link Normalization#batchStatistics}). */
    public static void batchStatistics(int n, int c, int inner, float[] d, float eps, float[] mean, float[] invStd) {
        Normalization.batchStatistics(d, n, c, inner, eps, mean, invStd);
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
        Normalization.normalize(d, n, c, inner, mean, invStd, g, b, y);
    }

    /** {@code r = (γ/σ)(v − mean(v) − x̂ mean(x̂ v))} (training) or {@code (γ/σ) v} (evaluation). */
    public static void derivative(int n, int c, int inner, float[] d, float[] mean, float[] invStd, float[] g, float[] v,
                                  boolean training, float[] r) {
        double[] s = null, sx = null;
        if (training) {
            s = new double[c];
            sx = new double[c];
            Normalization.gradientSums(v, d, n, c, inner, mean, invStd, s, sx);
        }
        Normalization.normalizedDerivative(v, d, n, c, inner, mean, invStd, g, s, sx, r);
    }

    /** The gradients of γ (Σ g x̂) and β (Σ g) per channel. */
    public static void parameterGradients(int n, int c, int inner, float[] d, float[] mean, float[] invStd, float[] gd,
                                          float[] dGamma, float[] dBeta) {
        double[] s = new double[c], sx = new double[c];
        Normalization.gradientSums(gd, d, n, c, inner, mean, invStd, s, sx);
        for (int ch = 0; ch < c; ch++) {
            dGamma[ch] = (float) sx[ch];
            dBeta[ch] = (float) s[ch];
        }
    }

    /**
     * The whole VJP from gy: {@code r} as {@link #derivative} and the gradients of γ and β as
     * {@link #parameterGradients}, from one pass of the per-channel sums (both need the same
     * {@code Σ gy} and {@code Σ gy x̂}), so the numbers are those of the two calls. A null output is
     * not wanted.
     */
    public static void backward(int n, int c, int inner, float[] d, float[] mean, float[] invStd, float[] g, float[] gy,
                                boolean training, float[] r, float[] dGamma, float[] dBeta) {
        double[] s = null, sx = null;
        if (training && r != null || dGamma != null || dBeta != null) {
            s = new double[c];
            sx = new double[c];
            Normalization.gradientSums(gy, d, n, c, inner, mean, invStd, s, sx);
        }
        if (r != null) Normalization.normalizedDerivative(gy, d, n, c, inner, mean, invStd, g, training ? s : null, training ? sx : null, r);
        for (int ch = 0; ch < c; ch++) {
            if (dGamma != null) dGamma[ch] = (float) sx[ch];
            if (dBeta != null) dBeta[ch] = (float) s[ch];
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
