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
                .withPenalty(LogisticRegression.Penalty.L1, 0.5));
        double[] imp = l1.importance();
        assertTrue(imp[2] < 0.05 * imp[0] && imp[3] < 0.05 * imp[0], java.util.Arrays.toString(imp));
        assertTrue(l1.accuracy(x, y) > 0.98);
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
