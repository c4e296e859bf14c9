package dev.galvani.attribution.linear;

import dev.galvani.engine.Rng;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class LogisticRegressionTest {
    /** Three Gaussian blobs in 4-d, the last two features pure noise. */
    static float[][] blobs(int n, long seed, float[] x, int[] y) {
        Rng r = new Rng(seed);
        for (int i = 0; i < n; i++) {
            int c = i % 3;
            y[i] = c;
            x[i * 4] = (float) (r.gaussian() * 0.3 + (c == 0 ? 2 : c == 1 ? -2 : 0));
            x[i * 4 + 1] = (float) (r.gaussian() * 0.3 + (c == 2 ? 2 : 0));
            x[i * 4 + 2] = (float) r.gaussian();
            x[i * 4 + 3] = (float) r.gaussian();
        }
        return null;
    }

    @Test void separableBlobsAreLearnedAndNoiseIsDroppedByL1() {
        int n = 600;
        float[] x = new float[n * 4];
        int[] y = new int[n];
        blobs(n, 1, x, y);
        LogisticRegression l2 = LogisticRegression.fit(x, y, 4, 3, LogisticRegression.Options.defaults());
        assertEquals(1.0, l2.accuracy(x, y), 1e-9);
        LogisticRegression l1 = LogisticRegression.fit(x, y, 4, 3, LogisticRegression.Options.defaults()
                .withPenalty(LogisticRegression.Penalty.L1, 0.05));
        double[] imp = l1.importance();
        assertTrue(imp[2] < 0.05 * imp[0] && imp[3] < 0.05 * imp[0], java.util.Arrays.toString(imp));
        assertTrue(l1.accuracy(x, y) > 0.98);
    }

    /**
     * A one-feature problem solved by hand. x = +1 holds labels 1, 1, 1, 0 and x = −1 holds 0, 0,
     * 0, 1 (already standardised). By symmetry the bias difference is 0; with δ = w₁ − w₀ the
     * objective is {@code ¼[3 log(1 + e^−δ) + log(1 + e^δ)] + λ|δ|} (splitting δ as −w₀ = w₁
     * costs λ|δ|, the least), whose derivative {@code (4σ(δ) − 3)/4 + λ} vanishes at
     * {@code σ(δ) = (3 − 4λ)/4}: δ = ln(13/7) for λ = 0.1. At δ = 0 the derivative is −¼, so
     * for λ ≥ ¼ the optimum is δ = 0 with every weight exactly zero.
     */
    @Test void l1OptimumOfAOneFeatureProblemByHand() {
        float[] x = {1, 1, 1, 1, -1, -1, -1, -1};
        int[] y = {1, 1, 1, 0, 0, 0, 0, 1};
        LogisticRegression m = LogisticRegression.fit(x, y, 1, 2, LogisticRegression.Options.defaults().withPenalty(LogisticRegression.Penalty.L1, 0.1));
        double[] z = m.logits(new float[] {1}, 0);
        assertEquals(Math.log(13.0 / 7), z[1] - z[0], 1e-5, m.solver());
        assertEquals(0, m.bias(1) - m.bias(0), 1e-6);
        assertEquals(Math.log(13.0 / 7), Math.abs(m.weight(0, 0)) + Math.abs(m.weight(1, 0)), 1e-5, "the cheapest split of δ");
        assertTrue(m.solver().startsWith("FISTA"), m.solver());
        LogisticRegression zero = LogisticRegression.fit(x, y, 1, 2, LogisticRegression.Options.defaults().withPenalty(LogisticRegression.Penalty.L1, 0.3));
        assertEquals(0.0, zero.weight(0, 0));
        assertEquals(0.0, zero.weight(1, 0));
        assertEquals(0, zero.nonZeroWeights());
    }

    /**
     * The L1 optimum satisfies the KKT conditions of {@code mean CE + λ|W|₁}: for a non-zero weight
     * the gradient equals {@code −λ sign(w)}, for a zero weight it lies in [−λ, λ], and the bias
     * gradient vanishes. The gradient is computed here independently from the model's logits.
     */
    @Test void l1OptimumSatisfiesTheKktConditions() {
        int n = 300, d = 4, k = 3;
        float[] x = new float[n * d];
        int[] y = new int[n];
        Rng r = new Rng(8);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) x[i * d + j] = (float) (r.gaussian() * (j + 1) + j);
            double s0 = x[i * d], s1 = 0.5 * x[i * d + 1] + r.gaussian();
            y[i] = s0 + r.gaussian() > 0.5 ? 0 : s1 > 1 ? 1 : 2;
        }
        double lambda = 0.02;
        LogisticRegression m = LogisticRegression.fit(x, y, d, k, LogisticRegression.Options.defaults().withPenalty(LogisticRegression.Penalty.L1, lambda));
        double[] mean = new double[d], sd = new double[d];
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) mean[j] += x[i * d + j] / n;
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) sd[j] += Math.pow(x[i * d + j] - mean[j], 2) / n;
        double[][] g = new double[k][d];
        double[] gb = new double[k];
        for (int i = 0; i < n; i++) {
            double[] z = m.logits(x, i * d);
            double mx = Math.max(z[0], Math.max(z[1], z[2])), s = 0;
            for (int c = 0; c < k; c++) s += Math.exp(z[c] - mx);
            for (int c = 0; c < k; c++) {
                double e = Math.exp(z[c] - mx) / s - (y[i] == c ? 1 : 0);
                gb[c] += e / n;
                for (int j = 0; j < d; j++) g[c][j] += e * (x[i * d + j] - mean[j]) / Math.sqrt(sd[j]) / n;
            }
        }
        int zeros = 0;
        for (int c = 0; c < k; c++) {
            assertEquals(0, gb[c], 1e-5, "bias gradient of class " + c);
            for (int j = 0; j < d; j++) {
                double w = m.weight(c, j);
                if (w != 0) assertEquals(-lambda * Math.signum(w), g[c][j], 1e-5, "class " + c + " feature " + j);
                else {
                    zeros++;
                    assertTrue(Math.abs(g[c][j]) <= lambda + 1e-6, "zero weight with |gradient| " + g[c][j]);
                }
            }
        }
        assertTrue(zeros >= 1 && zeros < k * d, "a penalty that sets some but not all weights to zero: " + zeros + " zeros");
    }

    @Test void reachesTheOptimumOfTheL2Objective() {
        // Optimality: at the minimum of mean CE + (λ/2)|w|², the gradient vanishes. Computed here
        // independently, on standardised features, from the model's logits.
        int n = 300;
        float[] x = new float[n * 4];
        int[] y = new int[n];
        Rng r = new Rng(5);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 4; j++) x[i * 4 + j] = (float) r.gaussian();
            y[i] = x[i * 4] + 0.5 * x[i * 4 + 1] + r.gaussian() > 0 ? 1 : 0;   // overlapping classes: a finite optimum
        }
        double lambda = 1e-2;
        LogisticRegression m = LogisticRegression.fit(x, y, 4, 2, new LogisticRegression.Options(
                LogisticRegression.Penalty.L2, lambda, 400, n, 0.02, 3));
        double[] mean = new double[4], sd = new double[4];
        for (int i = 0; i < n; i++) for (int j = 0; j < 4; j++) mean[j] += x[i * 4 + j] / n;
        for (int i = 0; i < n; i++) for (int j = 0; j < 4; j++) sd[j] += Math.pow(x[i * 4 + j] - mean[j], 2) / n;
        double[][] g = new double[2][4];
        for (int i = 0; i < n; i++) {
            double[] z = m.logits(x, i * 4);
            double mx = Math.max(z[0], z[1]), p0 = Math.exp(z[0] - mx), p1 = Math.exp(z[1] - mx), s = p0 + p1;
            double[] p = {p0 / s, p1 / s};
            for (int c = 0; c < 2; c++) {
                double e = p[c] - (y[i] == c ? 1 : 0);
                for (int j = 0; j < 4; j++) g[c][j] += e * (x[i * 4 + j] - mean[j]) / Math.sqrt(sd[j]) / n;
            }
        }
        for (int c = 0; c < 2; c++) for (int j = 0; j < 4; j++) {
            double total = g[c][j] + lambda * m.weight(c, j);
            assertEquals(0, total, 2e-3, "gradient of class " + c + " feature " + j);
        }
    }

    @Test void logOddsAreStableAndSeeded() {
        int n = 90;
        float[] x = new float[n * 4];
        int[] y = new int[n];
        blobs(n, 2, x, y);
        LogisticRegression a = LogisticRegression.fit(x, y, 4, 3, LogisticRegression.Options.defaults().withSeed(4));
        LogisticRegression b = LogisticRegression.fit(x, y, 4, 3, LogisticRegression.Options.defaults().withSeed(4));
        assertArrayEquals(a.logOdds(x, n, 1), b.logOdds(x, n, 1));
        double[] z = a.logits(x, 0);
        double p = Math.exp(z[1]) / (Math.exp(z[0]) + Math.exp(z[1]) + Math.exp(z[2]));
        assertEquals(Math.log(p / (1 - p)), a.logOdds(x, 1, 1)[0], 1e-9);
    }
}
