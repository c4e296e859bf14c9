package dev.galvani.kernels;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The contiguous paths of {@link Elementwise#maxTo} (max over trailing axes) and
 * {@link Indexing#permute} (a row at a time) against the element-by-element definitions: the same
 * maxima, the same first positions (ties, NaN), the same copies; max pooling's VJP split over
 * planes against the serial scatter-add, bit for bit.
 */
class FastPathsTest {
    private static float[] values(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = r.nextInt(5) - 2; // many ties
        x[3] = Float.NaN;
        x[n - 1] = Float.NaN;
        return x;
    }

    /** The definition: a pass over x in flat order, the first maximal element of each output wins. */
    private static void reference(float[] x, int[] s, float[] o, int[] kept, int[] argmax) {
        int[] idx = Elementwise.broadcastIndex(kept, s);
        Arrays.fill(o, Float.NEGATIVE_INFINITY);
        Arrays.fill(argmax, -1);
        for (int i = 0; i < x.length; i++) {
            int j = idx[i];
            if (argmax[j] < 0 || x[i] > o[j]) {
                o[j] = x[i];
                argmax[j] = i;
            }
        }
    }

    @Test
    void maxOverTrailingAxesIsTheDefinition() {
        int[][][] cases = {{{4, 3, 7}, {4, 3, 1}}, {{4, 3, 7}, {4, 1, 1}}, {{4, 3, 7}, {1, 1, 1}}, {{5, 2}, {5, 1}},
            {{4, 3, 7}, {4, 1, 7}}, {{4, 3, 7}, {1, 3, 7}}, {{6, 1}, {6, 1}}};
        for (int[][] c : cases) {
            int[] s = c[0], kept = c[1];
            int n = Arrays.stream(s).reduce(1, (a, b) -> a * b), m = Arrays.stream(kept).reduce(1, (a, b) -> a * b);
            float[] x = values(n, n), o = new float[m], ro = new float[m];
            int[] arg = new int[m], rarg = new int[m];
            Elementwise.maxTo(x, s, o, kept, arg);
            reference(x, s, ro, kept, rarg);
            assertArrayEquals(ro, o, 0f, Arrays.toString(s) + " -> " + Arrays.toString(kept));
            assertArrayEquals(rarg, arg, Arrays.toString(s) + " -> " + Arrays.toString(kept));
        }
    }

    @Test
    void permuteIsTheDefinition() {
        int[][][] cases = {{{2, 3, 4}, {0, 2, 1}}, {{2, 3, 4}, {2, 0, 1}}, {{2, 3, 4}, {0, 1, 2}}, {{5}, {0}}, {{3, 1, 2, 2}, {3, 2, 0, 1}}};
        for (int[][] c : cases) {
            int[] s = c[0], axes = c[1];
            int n = Arrays.stream(s).reduce(1, (a, b) -> a * b);
            float[] x = new float[n], o = new float[n], ref = new float[n];
            for (int i = 0; i < n; i++) x[i] = i;
            Indexing.permute(x, s, axes, o);
            int r = s.length;
            int[] st = new int[r];
            for (int i = r - 1, m = 1; i >= 0; i--) { st[i] = m; m *= s[i]; }
            int[] os = new int[r];
            for (int i = 0; i < r; i++) os[i] = s[axes[i]];
            for (int f = 0; f < n; f++) { // output index f -> its coordinates -> the input's flat index
                int rest = f, src = 0;
                for (int k = r - 1; k >= 0; k--) {
                    src += (rest % os[k]) * st[axes[k]];
                    rest /= os[k];
                }
                ref[f] = x[src];
            }
            assertArrayEquals(ref, o, 0f, Arrays.toString(s) + " " + Arrays.toString(axes));
        }
    }

    @Test
    void maxPoolBackwardIsTheSerialScatter() {
        int n = 3, c = 40, h = 14, w = 14; // overlapping 3x3 stride-1 windows: an input can win several
        SplittableRandom r = new SplittableRandom(9);
        float[] x = new float[n * c * h * w], y = new float[x.length], gy = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextInt(7);
            gy[i] = (float) r.nextGaussian();
        }
        int[] argmax = new int[x.length];
        Pooling.max(x, n * c, h, w, 3, 1, 1, y, argmax);
        float[] ref = new float[x.length], got = new float[x.length];
        Indexing.scatterAdd(gy, argmax, 1, ref);
        Pooling.maxBackward(gy, argmax, n * c, got);
        assertArrayEquals(ref, got, 0f);
    }
}
