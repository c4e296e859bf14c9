package dev.galvani.kernels;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Batch-norm kernels against the definitions in double. Bounds: a float sum of n terms is within
 * (n + 2) u Σ|terms| of the exact sum whatever the order (Higham, Accuracy and Stability, eq. 3.5);
 * the statistics are quotients of such sums, so within a few times that, relative.
 */
class NormalizationTest {
    private static final double U = Math.ulp(1f) / 2;

    private static float[] random(int size, long seed, double shift) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[size];
        for (int i = 0; i < size; i++) x[i] = (float) (r.nextGaussian() * 2 + shift);
        return x;
    }

    @Test
    void statisticsSumsAndDerivativeMatchDouble() {
        int[][] shapes = {{3, 5, 7}, {64, 24, 196}, {2, 3, 1}, {16, 8, 49}}; // n, c, inner
        for (int[] sh : shapes) {
            int n = sh[0], c = sh[1], inner = sh[2], m = n * inner;
            float[] x = random(n * c * inner, 1, 3.0), v = random(n * c * inner, 2, 0.0);
            float[] gamma = random(c, 3, 1.0), beta = random(c, 4, 0.0);
            float[] mean = new float[c], invStd = new float[c];
            Normalization.batchStatistics(x, n, c, inner, 1e-5f, mean, invStd);
            double[] sv = new double[c], svx = new double[c];
            Normalization.gradientSums(v, x, n, c, inner, mean, invStd, sv, svx);
            float[] y = new float[x.length], dx = new float[x.length];
            Normalization.normalize(x, n, c, inner, mean, invStd, gamma, beta, y);
            Normalization.normalizedDerivative(v, x, n, c, inner, mean, invStd, gamma, sv, svx, dx);
            for (int ch = 0; ch < c; ch++) {
                double s = 0, sa = 0;
                for (int i = 0; i < n; i++) for (int j = 0; j < inner; j++) {
                    double e = x[(i * c + ch) * inner + j];
                    s += e;
                    sa += Math.abs(e);
                }
                double mu = s / m, var = 0;
                for (int i = 0; i < n; i++) for (int j = 0; j < inner; j++) var += Math.pow(x[(i * c + ch) * inner + j] - mu, 2);
                var /= m;
                assertEquals(mu, mean[ch], (m + 2) * U * sa / m + U * Math.abs(mu), "mean");
                double is = 1 / Math.sqrt(var + 1e-5);
                assertEquals(is, invStd[ch], 4 * (m + 2) * U * is, "inverse std");
                double a = 0, b = 0, bAbs = 0;
                for (int i = 0; i < n; i++) for (int j = 0; j < inner; j++) {
                    int at = (i * c + ch) * inner + j;
                    double xh = (x[at] - mean[ch]) * (double) invStd[ch];
                    a += v[at];
                    b += v[at] * xh;
                    bAbs += Math.abs(v[at] * xh);
                    assertEquals(gamma[ch] * xh + beta[ch], y[at], 8 * U * (Math.abs(gamma[ch] * xh) + Math.abs(beta[ch])) + 1e-6, "y");
                }
                assertEquals(b, svx[ch], (m + 4) * U * bAbs + 1e-9, "sum v xhat");
                // one element of the derivative, from the exact sums
                int at = ch * inner;
                double xh = (x[at] - mean[ch]) * (double) invStd[ch];
                double ref = gamma[ch] * (double) invStd[ch] * (v[at] - a / m - xh * b / m);
                assertEquals(ref, dx[at], 1e-4 * (Math.abs(v[at]) + Math.abs(a / m) + Math.abs(xh * b / m)) * Math.abs(gamma[ch] * invStd[ch]) + 1e-6, "dx");
            }
        }
    }

    /** The Vector API sums keep the scalar code's partial sums lane for lane: the same bits, not just close. */
    @Test
    void vectorSumsAreTheScalarSumsBitForBit() {
        float[] x = random(1000, 5, 3.0), g = random(1000, 6, 0.0);
        float[] pair = new float[2], ref = new float[2];
        for (int len : new int[] {0, 1, 3, 4, 7, 8, 9, 15, 16, 49, 196, 784}) {
            for (int off : new int[] {0, 1, 5}) {
                assertEquals(Normalization.sumScalar(x, off, len), NormalizationVector.sum(x, off, len), 0f, "sum, length " + len);
                assertEquals(Normalization.squaredDeviationsScalar(x, off, len, 2.9f),
                        NormalizationVector.squaredDeviations(x, off, len, 2.9f), 0f, "squared deviations, length " + len);
                Normalization.gradientSumsScalar(g, x, off, len, 2.9f, 0.47f, ref);
                NormalizationVector.gradientSums(g, x, off, len, 2.9f, 0.47f, pair);
                assertArrayEquals(ref, pair, 0f, "gradient sums, length " + len);
            }
        }
    }

    /** The one-pass VJP gives the numbers of the separate derivative and parameter-gradient calls. */
    @Test
    void fusedBackwardIsTheSeparateCalls() {
        int n = 8, c = 6, inner = 49;
        float[] x = random(n * c * inner, 7, 1.0), gy = random(n * c * inner, 8, 0.0), gamma = random(c, 9, 1.0);
        float[] mean = new float[c], invStd = new float[c];
        Normalization.batchStatistics(x, n, c, inner, 1e-3f, mean, invStd);
        for (boolean training : new boolean[] {true, false}) {
            float[] r = new float[x.length], dg = new float[c], db = new float[c];
            float[] r2 = new float[x.length], dg2 = new float[c], db2 = new float[c];
            BatchNormalization.derivative(n, c, inner, x, mean, invStd, gamma, gy, training, r);
            BatchNormalization.parameterGradients(n, c, inner, x, mean, invStd, gy, dg, db);
            BatchNormalization.backward(n, c, inner, x, mean, invStd, gamma, gy, training, r2, dg2, db2);
            assertArrayEquals(r, r2, 0f);
            assertArrayEquals(dg, dg2, 0f);
            assertArrayEquals(db, db2, 0f);
        }
    }
}
