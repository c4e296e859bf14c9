package dev.galvani.kernels;

/**
 * Batch-normalisation kernels over x [N, C, inner] (inner = H W for images): per-channel statistics
 * and sums, and the elementwise passes, with {@code x̂ = (x − μ) σ⁻¹} recomputed where it is needed
 * instead of stored (one array fewer to write and keep per layer).
 *
 * <p>Sums: each plane (one example, one channel) is summed in float with eight independent
 * accumulators (a chain of dependent adds would wait four cycles per element), the planes'
 * sums are added in double in example order. The sums walk x in memory order (example by example,
 * each thread over its slab of channels, one double accumulator per channel): going channel by
 * channel instead jumps C·inner floats between planes, which the prefetcher and the TLB punish when
 * the planes are small (7x7). Work is split over channels for the sums and over planes for the
 * elementwise passes, so the numbers do not depend on the thread count.
 */
public final class Normalization {
    /** Elements below which one thread does a pass. */
    private static final long PARALLEL_WORK = 1L << 17;

    private Normalization() {}

    /** Σ x[off, off + len) in float, eight partial sums combined pairwise. */
    static float sum(float[] x, int off, int len) {
        return Gemm.vectorApi() ? NormalizationVector.sum(x, off, len) : sumScalar(x, off, len);
    }

    /** Σ (x − mu)² over [off, off + len) in float, as {@link #sum}. */
    static float squaredDeviations(float[] x, int off, int len, float mu) {
        return Gemm.vectorApi() ? NormalizationVector.squaredDeviations(x, off, len, mu) : squaredDeviationsScalar(x, off, len, mu);
    }

    /** Σ g and Σ g x̂ over [off, off + len), x̂ = (x − mu) is, four partial sums of each; into out[0], out[1]. */
    static void gradientSums(float[] g, float[] x, int off, int len, float mu, float is, float[] out) {
        if (Gemm.vectorApi()) {
            NormalizationVector.gradientSums(g, x, off, len, mu, is, out);
        } else {
            gradientSumsScalar(g, x, off, len, mu, is, out);
        }
    }

    /** {@link #sum} without the Vector API (the definition of its rounding). */
    static float sumScalar(float[] x, int off, int len) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        int j = 0;
        for (; j + 8 <= len; j += 8) {
            int i = off + j;
            s0 += x[i]; s1 += x[i + 1]; s2 += x[i + 2]; s3 += x[i + 3];
            s4 += x[i + 4]; s5 += x[i + 5]; s6 += x[i + 6]; s7 += x[i + 7];
        }
        float s = ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
        for (; j < len; j++) s += x[off + j];
        return s;
    }

    /** {@link #squaredDeviations} without the Vector API. */
    static float squaredDeviationsScalar(float[] x, int off, int len, float mu) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        int j = 0;
        for (; j + 8 <= len; j += 8) {
            int i = off + j;
            float d0 = x[i] - mu, d1 = x[i + 1] - mu, d2 = x[i + 2] - mu, d3 = x[i + 3] - mu;
            float d4 = x[i + 4] - mu, d5 = x[i + 5] - mu, d6 = x[i + 6] - mu, d7 = x[i + 7] - mu;
            s0 += d0 * d0; s1 += d1 * d1; s2 += d2 * d2; s3 += d3 * d3;
            s4 += d4 * d4; s5 += d5 * d5; s6 += d6 * d6; s7 += d7 * d7;
        }
        float s = ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
        for (; j < len; j++) {
            float d = x[off + j] - mu;
            s += d * d;
        }
        return s;
    }

    /** {@link #gradientSums} without the Vector API. */
    static void gradientSumsScalar(float[] g, float[] x, int off, int len, float mu, float is, float[] out) {
        float a0 = 0, a1 = 0, a2 = 0, a3 = 0, b0 = 0, b1 = 0, b2 = 0, b3 = 0;
        int j = 0;
        for (; j + 4 <= len; j += 4) {
            int i = off + j;
            float g0 = g[i], g1 = g[i + 1], g2 = g[i + 2], g3 = g[i + 3];
            a0 += g0; a1 += g1; a2 += g2; a3 += g3;
            b0 += g0 * ((x[i] - mu) * is); b1 += g1 * ((x[i + 1] - mu) * is);
            b2 += g2 * ((x[i + 2] - mu) * is); b3 += g3 * ((x[i + 3] - mu) * is);
        }
        float a = (a0 + a1) + (a2 + a3), b = (b0 + b1) + (b2 + b3);
        for (; j < len; j++) {
            a += g[off + j];
            b += g[off + j] * ((x[off + j] - mu) * is);
        }
        out[0] = a;
        out[1] = b;
    }

    /**
     * The batch statistics per channel: {@code mean[ch]} and {@code invStd[ch] = 1 / sqrt(var + eps)}
     * with the biased variance, two passes (the mean, then the squared deviations from it).
     */
    public static void batchStatistics(float[] x, int n, int c, int inner, float eps, float[] mean, float[] invStd) {
        long m = (long) n * inner;
        Parallel.split(c, 2 * m * c, PARALLEL_WORK, (c0, c1) -> {
            double[] s = new double[c1 - c0];
            for (int i = 0; i < n; i++) {
                for (int ch = c0; ch < c1; ch++) s[ch - c0] += sum(x, (i * c + ch) * inner, inner);
            }
            for (int ch = c0; ch < c1; ch++) mean[ch] = (float) (s[ch - c0] / m);
            double[] v = new double[c1 - c0];
            for (int i = 0; i < n; i++) {
                for (int ch = c0; ch < c1; ch++) v[ch - c0] += squaredDeviations(x, (i * c + ch) * inner, inner, mean[ch]);
            }
            for (int ch = c0; ch < c1; ch++) invStd[ch] = (float) (1 / Math.sqrt(v[ch - c0] / m + eps));
        });
    }

    /** {@code y = γ (x − μ) σ⁻¹ + β} per channel. */
    public static void normalize(float[] x, int n, int c, int inner, float[] mean, float[] invStd,
                                 float[] gamma, float[] beta, float[] y) {
        Parallel.split(n * c, (long) n * c * inner, PARALLEL_WORK, (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                int ch = p % c, base = p * inner;
                float mu = mean[ch], is = invStd[ch], gg = gamma[ch], bb = beta[ch];
                for (int j = 0; j < inner; j++) y[base + j] = gg * ((x[base + j] - mu) * is) + bb;
            }
        });
    }

    /** Per channel: {@code sumV[ch] = Σ v} and {@code sumVXhat[ch] = Σ v x̂}. */
    public static void gradientSums(float[] v, float[] x, int n, int c, int inner, float[] mean, float[] invStd,
                                    double[] sumV, double[] sumVXhat) {
        Parallel.split(c, 2L * n * c * inner, PARALLEL_WORK, (c0, c1) -> {
            float[] pair = new float[2];
            double[] a = new double[c1 - c0], b = new double[c1 - c0];
            for (int i = 0; i < n; i++) {
                for (int ch = c0; ch < c1; ch++) {
                    gradientSums(v, x, (i * c + ch) * inner, inner, mean[ch], invStd[ch], pair);
                    a[ch - c0] += pair[0];
                    b[ch - c0] += pair[1];
                }
            }
            System.arraycopy(a, 0, sumV, c0, c1 - c0);
            System.arraycopy(b, 0, sumVXhat, c0, c1 - c0);
        });
    }

    /**
     * The derivative of the normalisation applied to v: {@code (γ/σ)(v − mean(v) − x̂ mean(x̂ v))}
     * with the per-channel sums of {@link #gradientSums} over m = n inner values; or, with
     * {@code sumV == null} (evaluation, fixed statistics), {@code (γ/σ) v}.
     */
    public static void normalizedDerivative(float[] v, float[] x, int n, int c, int inner, float[] mean, float[] invStd,
                                            float[] gamma, double[] sumV, double[] sumVXhat, float[] out) {
        long m = (long) n * inner;
        Parallel.split(n * c, (long) n * c * inner, PARALLEL_WORK, (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                int ch = p % c, base = p * inner;
                float scale = gamma[ch] * invStd[ch];
                if (sumV == null) {
                    for (int j = 0; j < inner; j++) out[base + j] = scale * v[base + j];
                    continue;
                }
                float mu = mean[ch], is = invStd[ch], mv = (float) (sumV[ch] / m), mxv = (float) (sumVXhat[ch] / m);
                for (int j = 0; j < inner; j++) out[base + j] = scale * (v[base + j] - mv - ((x[base + j] - mu) * is) * mxv);
            }
        });
    }
}
