package dev.galvani.engine.ops;

import dev.galvani.engine.F;
import dev.galvani.engine.Rng;
import dev.galvani.engine.ShapeException;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.check.GradCheck;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Convolution, pooling and batch norm: finite differences and a naive direct convolution. */
class ConvOpsTest {
    private final Rng rng = new Rng(5);

    private Tensor rand(int... shape) {
        return Tensor.randn(rng, 1f, shape);
    }

    /** The definition, as a direct loop. */
    static float[] naiveConv(Tensor x, Tensor w, Tensor b, int s, int p, int d, int g) {
        int n = x.size(0), c = x.size(1), h = x.size(2), wd = x.size(3), o = w.size(0), kh = w.size(2), kw = w.size(3);
        int ho = (h + 2 * p - d * (kh - 1) - 1) / s + 1, wo = (wd + 2 * p - d * (kw - 1) - 1) / s + 1;
        int cg = c / g, og = o / g;
        float[] y = new float[n * o * ho * wo];
        for (int i = 0; i < n; i++)
            for (int oc = 0; oc < o; oc++)
                for (int oh = 0; oh < ho; oh++)
                    for (int ow = 0; ow < wo; ow++) {
                        double acc = b == null ? 0 : b.data()[oc];
                        int gi = oc / og;
                        for (int ic = 0; ic < cg; ic++)
                            for (int a = 0; a < kh; a++)
                                for (int e = 0; e < kw; e++) {
                                    int ih = oh * s - p + a * d, iw = ow * s - p + e * d;
                                    if (ih < 0 || ih >= h || iw < 0 || iw >= wd) continue;
                                    acc += x.get(i, gi * cg + ic, ih, iw) * w.get(oc, ic, a, e);
                                }
                        y[((i * o + oc) * ho + oh) * wo + ow] = (float) acc;
                    }
        return y;
    }

    @Test void conv2dMatchesNaiveLoop() {
        int[][] cases = { // n, c, h, w, o, k, stride, pad, dilation, groups
            {2, 3, 7, 5, 4, 3, 1, 1, 1, 1}, {1, 4, 9, 9, 6, 3, 2, 1, 2, 2}, {3, 6, 5, 6, 6, 3, 1, 1, 1, 6},
            {2, 2, 4, 4, 3, 1, 1, 0, 1, 1}, {1, 1, 8, 7, 2, 5, 3, 2, 1, 1},
            // depthwise (direct kernel): stride, dilation, a kernel wider than the padded row, and
            // a batch large enough to be split across threads
            {2, 5, 9, 8, 5, 3, 2, 1, 1, 5}, {1, 3, 7, 9, 3, 3, 1, 2, 2, 3}, {1, 2, 3, 3, 2, 5, 1, 1, 1, 2},
            {4, 32, 28, 28, 32, 3, 1, 1, 1, 32},
            // one image per GEMM (16x16 positions), pointwise read in place, and chunks of small
            // images with a remainder (40 images of 4x4 in chunks of 16)
            {3, 5, 16, 16, 4, 3, 1, 1, 1, 1}, {3, 8, 16, 16, 6, 1, 1, 0, 1, 2}, {40, 3, 4, 4, 5, 3, 1, 1, 1, 1},
            // 'same' convolutions unfolded by shifting whole planes: dilated, 5x5, a kernel wider than the image
            {2, 4, 6, 7, 5, 3, 1, 2, 2, 1}, {1, 3, 6, 6, 4, 5, 1, 2, 1, 1}, {2, 2, 2, 3, 3, 5, 1, 2, 1, 1}};
        for (int[] c : cases) {
            Tensor x = rand(c[0], c[1], c[2], c[3]), w = rand(c[4], c[1] / c[9], c[5], c[5]), b = rand(c[4]);
            Tensor y = F.conv2d(x, w, b, c[6], c[7], c[8], c[9]);
            assertArrayEquals(naiveConv(x, w, b, c[6], c[7], c[8], c[9]), y.data(), 1e-4f, java.util.Arrays.toString(c));
        }
    }

    /**
     * Convolution is linear in x and in w, so for any u: ⟨u, conv(x, w)⟩ = ⟨∂/∂x, x⟩ = ⟨∂/∂w, w⟩
     * exactly (up to rounding). Checks both gradients at sizes where finite differences would be
     * slow: the depthwise kernel split across threads, one image per GEMM (pointwise in place, and
     * 3x3), and chunks of small images with a remainder.
     */
    @Test void gradientsAtScaleAgreeWithTheForwardPass() {
        int[][] cases = { // n, c, h, w, o, k, stride, pad, groups
            {4, 32, 28, 28, 32, 3, 2, 1, 32}, {3, 8, 16, 16, 6, 1, 1, 0, 2}, {2, 6, 16, 16, 4, 3, 1, 1, 1},
            {37, 4, 5, 5, 6, 3, 1, 1, 2}};
        for (int[] c : cases) {
            Tensor x = rand(c[0], c[1], c[2], c[3]).requiresGrad(true), w = rand(c[4], c[1] / c[8], c[5], c[5]).requiresGrad(true);
            Tensor y = F.conv2d(x, w, null, c[6], c[7], 1, c[8]), u = rand(y.shape());
            Tensor[] g = dev.galvani.engine.autodiff.Autodiff.grad(y, u, x, w);
            double uy = dot(u, y);
            assertEquals(uy, dot(g[0], x), 1e-4 * Math.abs(uy) + 1e-3, java.util.Arrays.toString(c));
            assertEquals(uy, dot(g[1], w), 1e-4 * Math.abs(uy) + 1e-3, java.util.Arrays.toString(c));
        }
    }

    private static double dot(Tensor a, Tensor b) {
        double s = 0;
        for (int i = 0; i < a.numel(); i++) s += (double) a.data()[i] * b.data()[i];
        return s;
    }

    @Test void conv2dDerivatives() {
        GradCheck.check(x -> F.conv2d(x[0], x[1], x[2], 1, 1, 1, 1), rand(2, 3, 5, 4), rand(4, 3, 3, 3), rand(4));
        GradCheck.check(x -> F.conv2d(x[0], x[1], x[2], 2, 1, 2, 2), rand(1, 4, 7, 7), rand(2, 2, 3, 3), rand(2));
        GradCheck.check(x -> F.conv2d(x[0], x[1], null, 1, 1, 1, 3), rand(2, 3, 4, 4), rand(3, 1, 3, 3)); // depthwise
        GradCheck.check(x -> F.conv2d(x[0], x[1], x[2], 2, 2, 2, 4), rand(2, 4, 7, 6), rand(4, 1, 3, 3), rand(4));
        GradCheck.check(x -> F.conv2d(x[0], x[1], x[2], 1, 0, 1, 1), rand(2, 3, 16, 16), rand(4, 3, 1, 1), rand(4)); // in place
        GradCheck.check(x -> F.conv2d(x[0], x[1], x[2], 1, 2, 2, 1), rand(2, 3, 5, 6), rand(2, 3, 3, 3), rand(2)); // dilated 'same'
        GradCheck.check(x -> F.conv2d(x[0], x[1], null, 1, 2, 1, 1), rand(1, 2, 3, 4), rand(2, 2, 5, 5)); // wider than the image
    }

    @Test void conv1d() {
        GradCheck.check(x -> F.conv1d(x[0], x[1], x[2]), rand(2, 3, 7), rand(4, 3, 3), rand(4));
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 1, 1, 4), w = Tensor.of(new float[] {1, -1}, 1, 1, 2);
        assertArrayEquals(new float[] {-1, -1, -1}, F.conv1d(x, w, null).data());
    }

    @Test void convShapeErrorNamesBothShapes() {
        var e = assertThrows(ShapeException.class, () -> F.conv2d(rand(1, 64, 5, 5), rand(8, 32, 3, 3), null, 1, 1));
        assertTrue(e.getMessage().startsWith("conv2d '") && e.getMessage().contains("input has 64 channels, weight expects 32"), e.getMessage());
    }

    /** Max pooling against the definition: value, and where the gradient goes (the first maximum, row-major). */
    @Test void maxPoolMatchesTheDefinitionWithTiesAndPadding() {
        int[][] cases = {{3, 1, 1}, {2, 2, 0}, {3, 2, 1}, {5, 2, 2}, {4, 1, 2}, {1, 1, 0}}; // kernel, stride, padding
        for (int[] c : cases) {
            for (int[] hw : new int[][] {{9, 8}, {3, 3}, {14, 14}, {7, 23}}) {
                int k = c[0], st = c[1], pd = c[2], h = hw[0], w = hw[1];
                if (k > h + 2 * pd || k > w + 2 * pd) continue;
                float[] d = new float[2 * 3 * h * w];
                for (int i = 0; i < d.length; i++) d[i] = (i * 7919 % 13) / 4f; // few distinct values: many ties
                Tensor x = Tensor.of(d, 2, 3, h, w).requiresGrad(true);
                Tensor y = F.maxPool2d(x, k, st, pd);
                int ho = (h + 2 * pd - k) / st + 1, wo = (w + 2 * pd - k) / st + 1;
                float[] want = new float[y.numel()], wantGrad = new float[d.length];
                for (int p = 0; p < 6; p++) for (int oh = 0; oh < ho; oh++) for (int ow = 0; ow < wo; ow++) {
                    float best = Float.NEGATIVE_INFINITY;
                    int at = -1;
                    for (int i = 0; i < k; i++) for (int j = 0; j < k; j++) {
                        int ih = oh * st - pd + i, iw = ow * st - pd + j;
                        if (ih < 0 || ih >= h || iw < 0 || iw >= w) continue;
                        if (d[(p * h + ih) * w + iw] > best) {
                            best = d[(p * h + ih) * w + iw];
                            at = (p * h + ih) * w + iw;
                        }
                    }
                    int o = (p * ho + oh) * wo + ow;
                    want[o] = best;
                    wantGrad[at] += o + 1; // upstream gradient o + 1 tells the outputs apart
                }
                float[] up = new float[y.numel()];
                for (int o = 0; o < up.length; o++) up[o] = o + 1;
                Tensor g = dev.galvani.engine.autodiff.Autodiff.grad(y, Tensor.of(up, y.shape()), x)[0];
                String at = java.util.Arrays.toString(c) + " on " + h + "x" + w;
                assertArrayEquals(want, y.data(), at);
                assertArrayEquals(wantGrad, g.data(), at);
            }
        }
        // a NaN anywhere in a window wins, as in PyTorch (whatever the NaN's sign bit)
        float negativeNaN = Float.intBitsToFloat(0xffc00000);
        Tensor n = Tensor.of(new float[] {1, 2, 3, 4, negativeNaN, 6, 7, 8, 9}, 1, 1, 3, 3);
        assertTrue(Float.isNaN(F.maxPool2d(n, 3, 1, 0).item()));
        float[] nine = F.maxPool2d(n, 3, 1, 1).data(); // the vector path's windows (stride 1, padding 1)
        for (float v : nine) assertTrue(Float.isNaN(v), java.util.Arrays.toString(nine));
    }

    @Test void pooling() {
        float[] d = new float[2 * 3 * 7 * 7];
        int[] p = rng.permutation(d.length);
        for (int i = 0; i < d.length; i++) d[i] = 0.05f * p[i];   // distinct: no ties in a window
        Tensor x = Tensor.of(d, 2, 3, 7, 7);
        GradCheck.check(t -> F.maxPool2d(t[0], 3, 2, 1), x);
        GradCheck.check(t -> F.avgPool2d(t[0], 3, 2, 1), rand(2, 2, 7, 6));
        GradCheck.check(t -> F.globalAvgPool(t[0]), rand(2, 3, 4, 5));
        GradCheck.check(t -> F.maxOverTime(t[0]), Tensor.of(java.util.Arrays.copyOf(d, 24), 2, 3, 4));
        Tensor s = Tensor.of(new float[] {1, 2, 3, 4}, 1, 1, 2, 2);
        assertEquals(4f, F.maxPool2d(s, 2, 2, 0).item());
        assertEquals(2.5f, F.avgPool2d(s, 2, 2, 0).item());
        // count_include_pad: a 3x3 window over one corner pixel with padding 1 sees 4 values out of 9
        assertEquals(10f / 9f, F.avgPool2d(s, 3, 2, 1).item(), 1e-6);
    }

    @Test void batchNormTrainingAndEvaluation() {
        GradCheck.check(t -> F.batchNormTrain(t[0], t[1], t[2], 1e-5f).output(), rand(4, 3, 2, 2), rand(3), rand(3));
        GradCheck.check(t -> F.batchNormTrain(t[0], t[1], t[2], 1e-5f).output(), rand(5, 2), rand(2), rand(2));
        float[] rm = {0.5f, -1f}, rv = {2f, 0.5f};
        GradCheck.check(t -> F.batchNormEval(t[0], t[1], t[2], rm, rv, 1e-5f), rand(3, 2, 3), rand(2), rand(2));
        // Hand values: one channel, x = [1, 3]: mean 2, biased var 1, unbiased 2.
        Tensor x = Tensor.of(new float[] {1, 3}, 2, 1);
        F.BatchNormResult r = F.batchNormTrain(x, Tensor.ones(1), Tensor.zeros(1), 0f);
        assertArrayEquals(new float[] {-1, 1}, r.output().data(), 1e-6f);
        assertEquals(2f, r.mean()[0], 1e-6);
        assertEquals(2f, r.unbiasedVar()[0], 1e-5);
    }
}
