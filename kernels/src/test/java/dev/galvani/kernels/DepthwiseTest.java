package dev.galvani.kernels;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Depthwise convolution (both paths: the Vector API grid kernels for 'same' layers, the scalar
 * loops for the rest) against the definition in double: forward, input gradient and weight
 * gradient. Per element within {@code (n + 2) u Σ|terms|} (Higham, eq. 3.5), any summation order.
 */
class DepthwiseTest {
    private static final double U = Math.ulp(1f) / 2;

    private static float[] random(int size, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[size];
        for (int i = 0; i < size; i++) x[i] = (float) (r.nextDouble() * 2 - 1);
        return x;
    }

    @Test
    void forwardAndGradientsMatchTheDefinition() {
        // n, c, h, w, k, stride, pad, dilation
        int[][] cases = {{2, 3, 7, 7, 3, 1, 1, 1}, {3, 4, 14, 14, 3, 1, 1, 1}, {2, 5, 28, 28, 3, 2, 1, 1}, {2, 2, 7, 9, 3, 2, 1, 1},
            {1, 3, 9, 8, 5, 1, 2, 1}, {2, 2, 8, 7, 3, 1, 2, 2}, {2, 3, 6, 6, 3, 3, 1, 1}, {1, 2, 1, 1, 3, 1, 1, 1},
            {2, 3, 9, 8, 3, 2, 0, 1}, {4, 32, 28, 28, 3, 1, 1, 1}}; // 'valid' strided (scalar path); a batch large enough to split
        for (int[] cs : cases) {
            int n = cs[0], c = cs[1], h = cs[2], w = cs[3], k = cs[4], s = cs[5], pad = cs[6], dil = cs[7];
            Depthwise d = new Depthwise(c, h, w, k, k, s, s, pad, pad, dil, dil);
            int ho = d.ho(), wo = d.wo(), taps = k * k;
            float[] x = random(n * c * h * w, 1), wt = random(c * taps, 2), g = random(n * c * ho * wo, 3);
            float[] y = new float[n * c * ho * wo], dx = new float[x.length], dwt = new float[wt.length];
            d.forward(n, x, wt, y);
            d.backwardInput(n, g, wt, dx);
            d.backwardWeight(n, g, x, dwt);
            double[] ry = new double[y.length], ay = new double[y.length], rdx = new double[x.length], adx = new double[x.length];
            double[] rdw = new double[wt.length], adw = new double[wt.length];
            for (int i = 0; i < n; i++) for (int ch = 0; ch < c; ch++) for (int oh = 0; oh < ho; oh++) for (int ow = 0; ow < wo; ow++) {
                int o = ((i * c + ch) * ho + oh) * wo + ow;
                for (int t = 0; t < taps; t++) {
                    int ih = oh * s - pad + (t / k) * dil, iw = ow * s - pad + (t % k) * dil;
                    if (ih < 0 || ih >= h || iw < 0 || iw >= w) continue;
                    int xi = ((i * c + ch) * h + ih) * w + iw;
                    double fy = (double) wt[ch * taps + t] * x[xi], fx = (double) wt[ch * taps + t] * g[o], fw = (double) g[o] * x[xi];
                    ry[o] += fy; ay[o] += Math.abs(fy);
                    rdx[xi] += fx; adx[xi] += Math.abs(fx);
                    rdw[ch * taps + t] += fw; adw[ch * taps + t] += Math.abs(fw);
                }
            }
            String at = Arrays.toString(cs);
            for (int i = 0; i < y.length; i++) assertEquals(ry[i], y[i], (taps + 2) * U * ay[i] + 1e-30, at + " y " + i);
            for (int i = 0; i < x.length; i++) assertEquals(rdx[i], dx[i], (taps + 2) * U * adx[i] + 1e-30, at + " dx " + i);
            for (int i = 0; i < wt.length; i++) assertEquals(rdw[i], dwt[i], (n * h * w + 2) * U * adw[i] + 1e-30, at + " dw " + i);
        }
    }

    /**
     * A channel's weight gradient does not depend on the channels beside it: the whole layer gives
     * the bits of the channel run alone (its planes cut out), so the walk over planes changes no sum.
     */
    @Test
    void weightGradientOfAChannelIsThatChannelAlone() {
        for (int[] cs : new int[][] {{6, 8, 7, 7, 1}, {5, 3, 14, 14, 2}, {4, 3, 9, 8, 3}}) { // n, c, h, w, stride
            int n = cs[0], c = cs[1], h = cs[2], w = cs[3], s = cs[4];
            Depthwise d = new Depthwise(c, h, w, 3, 3, s, s, s == 3 ? 0 : 1, s == 3 ? 0 : 1, 1, 1);
            int ho = d.ho(), wo = d.wo();
            float[] x = random(n * c * h * w, 4), g = random(n * c * ho * wo, 5), dwt = new float[c * 9];
            d.backwardWeight(n, g, x, dwt);
            Depthwise one = new Depthwise(1, h, w, 3, 3, s, s, d.ph(), d.pw(), 1, 1);
            for (int ch = 0; ch < c; ch++) {
                float[] xc = new float[n * h * w], gc = new float[n * ho * wo], dwc = new float[9];
                for (int i = 0; i < n; i++) {
                    System.arraycopy(x, (i * c + ch) * h * w, xc, i * h * w, h * w);
                    System.arraycopy(g, (i * c + ch) * ho * wo, gc, i * ho * wo, ho * wo);
                }
                one.backwardWeight(n, gc, xc, dwc);
                assertArrayEquals(dwc, Arrays.copyOfRange(dwt, ch * 9, ch * 9 + 9), 0f, Arrays.toString(cs) + " channel " + ch);
            }
        }
    }
}
