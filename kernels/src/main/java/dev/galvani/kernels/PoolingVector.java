package dev.galvani.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * The Vector API part of {@link Pooling}. 2x2 stride-2 pooling gathers each tap of sixteen windows
 * at once. 3x3 stride-1 pooling with padding 1 (Inception's pool branch) runs a row of windows per
 * step over a copy of the plane with a border of −∞, so border windows need no clipping. Either
 * way the first maximal element in row-major order wins; for 3x3 the running maximum starts at the
 * centre (always inside the image), the taps before it are visited backwards and win ties, the
 * taps after it forwards and win only when greater. A NaN wins. A padding cell never wins (so
 * among taps that are all −∞, the centre does). Loaded only when {@code jdk.incubator.vector} is
 * present.
 */
final class PoolingVector {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> SI = VectorSpecies.of(int.class, S.vectorShape());
    private static final int L = S.length();
    private static final IntVector IOTA = IntVector.zero(SI).addIndex(1);

    private PoolingVector() {}

    /**
     * 2x2 stride-2 pooling without padding (the downsampling pools), every plane. Windows are
     * disjoint, so each tap is one gather through a table of the windows' top-left positions; the
     * taps are visited in row-major order and only a greater value (or a first NaN) wins.
     */
    static void max2x2s2(float[] x, int planes, int h, int w, float[] y, int[] argmax) {
        int ho = h / 2, wo = w / 2, n = ho * wo;
        // padded to whole vectors with window 0, so that every gather is full (a partly masked
        // gather checks and fails on lanes it does not load); the extra lanes are never stored
        int[] topLeft = new int[(n + L - 1) / L * L];
        for (int r = 0; r < ho; r++) for (int c = 0; c < wo; c++) topLeft[r * wo + c] = 2 * r * w + 2 * c;
        int[] taps = {0, 1, w, w + 1};
        for (int p = 0; p < planes; p++) {
            int base = p * h * w, out = p * n;
            for (int o = 0; o < n; o += L) {
                VectorMask<Float> m = S.indexInRange(o, n);
                VectorMask<Integer> mi = m.cast(SI);
                IntVector at = IntVector.fromArray(SI, topLeft, o).add(base);
                FloatVector best = FloatVector.fromArray(S, x, base, topLeft, o);
                IntVector arg = at;
                for (int t = 1; t < 4; t++) {
                    FloatVector v = FloatVector.fromArray(S, x, base + taps[t], topLeft, o);
                    VectorMask<Float> wins = later(v, best);
                    best = best.blend(v, wins);
                    arg = arg.blend(at.add(taps[t]), wins.cast(SI));
                }
                best.intoArray(y, out + o, m);
                arg.intoArray(argmax, out + o, mi);
            }
        }
    }

    /** Lanes where a tap visited after the running maximum replaces it: greater, or the first NaN. */
    private static VectorMask<Float> later(FloatVector v, FloatVector best) {
        return v.compare(VectorOperators.GT, best).or(v.test(VectorOperators.IS_NAN).and(best.test(VectorOperators.IS_NAN).not()));
    }

    /** A scratch plane with a −∞ border for {@link #max3x3}, reusable across planes of one size. */
    static float[] paddedScratch(int h, int w) {
        float[] pad = new float[(h + 2) * (w + 2)];
        Arrays.fill(pad, Float.NEGATIVE_INFINITY);
        return pad;
    }

    /** One plane at {@code base}: writes its h x w outputs at {@code out}. */
    static void max3x3(float[] x, int base, int h, int w, float[] y, int[] argmax, int out, float[] pad) {
        int pw = w + 2;
        for (int r = 0; r < h; r++) System.arraycopy(x, base + r * w, pad, (r + 1) * pw + 1, w);
        for (int r = 0; r < h; r++) {
            for (int c = 0; c < w; c += L) {
                VectorMask<Float> m = S.indexInRange(c, w);
                int centre = (r + 1) * pw + c + 1, at = base + r * w + c;
                FloatVector best = FloatVector.fromArray(S, pad, centre, m);
                IntVector arg = IOTA.add(at);
                for (int t = 3; t >= 0; t--) { // before the centre, backwards: ties go to the earlier tap
                    int di = t / 3 - 1, dj = t % 3 - 1;
                    FloatVector v = FloatVector.fromArray(S, pad, centre + di * pw + dj, m);
                    VectorMask<Float> wins = v.compare(VectorOperators.GE, best)
                            .and(v.compare(VectorOperators.NE, Float.NEGATIVE_INFINITY))
                            .or(v.test(VectorOperators.IS_NAN));
                    best = best.blend(v, wins);
                    arg = arg.blend(IOTA.add(at + di * w + dj), wins.cast(SI));
                }
                for (int t = 5; t < 9; t++) { // after the centre, forwards: only a greater value wins
                    int di = t / 3 - 1, dj = t % 3 - 1;
                    FloatVector v = FloatVector.fromArray(S, pad, centre + di * pw + dj, m);
                    VectorMask<Float> wins = later(v, best);
                    best = best.blend(v, wins);
                    arg = arg.blend(IOTA.add(at + di * w + dj), wins.cast(SI));
                }
                best.intoArray(y, out + r * w + c, m);
                arg.intoArray(argmax, out + r * w + c, m.cast(SI));
            }
        }
    }
}
