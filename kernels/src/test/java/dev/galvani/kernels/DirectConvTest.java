package dev.galvani.kernels;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The direct 'same' convolution against the unfolding path (bit for bit: the same sums in the same
 * order) and, for the input gradient, against a naive loop in double. Bound for the latter, per
 * element: {@code (n + 2) u Σ |w| |dy|} over the element's n terms (Higham, Accuracy and
 * Stability, eq. 3.5), which holds for any summation order.
 */
class DirectConvTest {
    private static final double U = Math.ulp(1f) / 2;

    // n, cin, h, w, cout, kh, kw, ph, pw, dh, dw
    private static final int[][] CASES = {
        {2, 3, 7, 5, 4, 3, 3, 1, 1, 1, 1}, {3, 5, 14, 14, 13, 3, 3, 1, 1, 1, 1}, {1, 2, 28, 28, 6, 3, 3, 1, 1, 1, 1},
        {2, 4, 6, 7, 5, 3, 3, 2, 2, 2, 2}, {1, 3, 6, 6, 7, 5, 5, 2, 2, 1, 1}, {2, 2, 2, 3, 3, 5, 5, 2, 2, 1, 1},
        {1, 2, 4, 9, 3, 1, 3, 0, 1, 1, 1}, {2, 130, 5, 5, 7, 3, 3, 1, 1, 1, 1}, // k = 1170 > KC: two blocks of terms
        {9, 8, 14, 14, 12, 3, 3, 1, 1, 1, 1}, // enough work to split over threads
        {5, 37, 7, 7, 13, 1, 1, 0, 0, 1, 1}, {3, 6, 1, 1, 7, 1, 1, 0, 0, 1, 1}, // one tap, and on 1x1 images
    };

    private static float[] random(int size, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[size];
        for (int i = 0; i < size; i++) x[i] = (float) (r.nextDouble() * 2 - 1);
        return x;
    }

    @Test
    void appliesToSameStrideOneLayersOnly() {
        assertTrue(DirectConv.applies(14, 14, 3, 3, 1, 1, 1, 1, 1, 1));
        assertTrue(DirectConv.applies(14, 14, 5, 5, 1, 1, 2, 2, 1, 1));
        assertFalse(DirectConv.applies(14, 14, 3, 3, 2, 2, 1, 1, 1, 1)); // strided
        assertFalse(DirectConv.applies(14, 14, 3, 3, 1, 1, 0, 0, 1, 1)); // 'valid'
        assertFalse(DirectConv.applies(7, 7, 1, 1, 1, 1, 0, 0, 1, 1)); // pointwise: a chunked GEMM is faster (the kernel runs it, below)
    }

    @Test
    void forwardIsBitIdenticalToUnfoldingAndGemm() {
        Assumptions.assumeTrue(DirectConv.available(), "no Vector API");
        for (int[] c : CASES) {
            int n = c[0], cin = c[1], h = c[2], w = c[3], cout = c[4], kh = c[5], kw = c[6];
            DirectConv g = new DirectConv(h, w, kh, kw, c[7], c[8], c[9], c[10]);
            int p = h * w, k = cin * kh * kw;
            float[] x = random(n * cin * p, 1), wt = random(cout * k, 2);
            float[] y = new float[n * cout * p];
            Arrays.fill(y, Float.NaN); // overwritten, never read
            g.forward(n, x, 0, cin * p, cin, wt, 0, cout, y, 0, cout * p);
            float[] col = new float[k * p], ref = new float[n * cout * p];
            for (int i = 0; i < n; i++) {
                Im2col.im2col(x, i * cin * p, cin, h, w, kh, kw, 1, 1, c[7], c[8], c[9], c[10], col, p, 0);
                GemmVector.sgemm(false, false, cout, p, k, 1f, wt, 0, k, col, 0, p, 0f, ref, i * cout * p, p);
            }
            assertArrayEquals(ref, y, Arrays.toString(c));
        }
    }

    @Test
    void inputGradientMatchesTheTransposedConvolutionInDouble() {
        Assumptions.assumeTrue(DirectConv.available(), "no Vector API");
        for (int[] c : CASES) {
            int n = c[0], cin = c[1], h = c[2], w = c[3], cout = c[4], kh = c[5], kw = c[6];
            int ph = c[7], pw = c[8], dh = c[9], dw = c[10], p = h * w, taps = kh * kw;
            DirectConv g = new DirectConv(h, w, kh, kw, ph, pw, dh, dw);
            float[] dy = random(n * cout * p, 3), wt = random(cout * cin * taps, 4);
            float[] dx = new float[n * cin * p];
            g.backwardInput(n, dy, 0, cout * p, cout, wt, 0, cin, dx, 0, cin * p);
            double[] ref = new double[dx.length], abs = new double[dx.length];
            for (int i = 0; i < n; i++) {
                for (int o = 0; o < cout; o++) {
                    for (int q = 0; q < p; q++) { // output position q sends dy to each input it read
                        for (int ci = 0; ci < cin; ci++) {
                            for (int t = 0; t < taps; t++) {
                                int ih = q / w + (t / kw) * dh - ph, iw = q % w + (t % kw) * dw - pw;
                                if (ih < 0 || ih >= h || iw < 0 || iw >= w) continue;
                                double term = (double) wt[(o * cin + ci) * taps + t] * dy[(i * cout + o) * p + q];
                                int at = (i * cin + ci) * p + ih * w + iw;
                                ref[at] += term;
                                abs[at] += Math.abs(term);
                            }
                        }
                    }
                }
            }
            double bound = (cout * taps + 2) * U;
            for (int j = 0; j < dx.length; j++) {
                assertEquals(ref[j], dx[j], bound * abs[j] + 1e-30, Arrays.toString(c) + " at " + j);
            }
        }
    }

    @Test
    void weightGradientMatchesTheCorrelationInDouble() {
        Assumptions.assumeTrue(DirectConv.available(), "no Vector API");
        for (int[] c : CASES) {
            int n = c[0], cin = c[1], h = c[2], w = c[3], cout = c[4], kh = c[5], kw = c[6];
            int ph = c[7], pw = c[8], dh = c[9], dw = c[10], p = h * w, taps = kh * kw;
            DirectConv g = new DirectConv(h, w, kh, kw, ph, pw, dh, dw);
            float[] x = random(n * cin * p, 5), dy = random(n * cout * p, 6);
            float[] dwt = random(cout * cin * taps, 7), start = dwt.clone(); // accumulates onto what is there
            g.backwardWeight(n, dy, 0, cout * p, cout, x, 0, cin * p, cin, dwt, 0);
            for (int o = 0; o < cout; o++) {
                for (int ci = 0; ci < cin; ci++) {
                    for (int t = 0; t < taps; t++) {
                        double ref = start[(o * cin + ci) * taps + t], abs = Math.abs(ref);
                        for (int i = 0; i < n; i++) {
                            for (int q = 0; q < p; q++) {
                                int ih = q / w + (t / kw) * dh - ph, iw = q % w + (t % kw) * dw - pw;
                                if (ih < 0 || ih >= h || iw < 0 || iw >= w) continue;
                                double term = (double) dy[(i * cout + o) * p + q] * x[(i * cin + ci) * p + ih * w + iw];
                                ref += term;
                                abs += Math.abs(term);
                            }
                        }
                        int at = (o * cin + ci) * taps + t;
                        assertEquals(ref, dwt[at], (n * p + 2) * U * abs, Arrays.toString(c) + " at " + at);
                    }
                }
            }
        }
    }
}
