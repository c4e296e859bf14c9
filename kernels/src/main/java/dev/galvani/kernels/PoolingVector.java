package dev.galvani.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * The Vector API part of {@link Pooling}. 2x2 stride-2 pooling reads two input rows a vector pair
 * at a time and splits each pair into its even and odd columns (a two-vector rearrange), so four
 * vectors hold the four taps of sixteen windows. 3x3 stride-1 pooling with padding 1 (Inception's
 * pool branch) copies the plane into a grid with a border of −∞ and runs over the grid's flat
 * positions, sixteen windows per step whatever the row length; each tap is the grid at a shift, so
 * no load needs a mask. (At [7168, 14, 14] both run at the memory's pace on a loaded 2-core
 * machine: 2.4 ns per output, of which the row copies in and out take one third.)
 * Either way the first maximal element in row-major order wins; for 3x3 the running maximum starts
 * at the centre (always inside the image), the taps before it are visited backwards and win ties,
 * the taps after it forwards and win only when greater. A NaN wins. A padding cell never wins (so
 * among taps that are all −∞, the centre does). Loaded only when {@code jdk.incubator.vector} is
 * present.
 */
final class PoolingVector {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> SI = VectorSpecies.of(int.class, S.vectorShape());
    private static final int L = S.length();
    private static final IntVector IOTA = IntVector.zero(SI).addIndex(1);
    /** Lane j takes element 2j (or 2j + 1) of the pair of vectors (a, b): indexes past a wrap into b. */
    private static final VectorShuffle<Float> EVEN = VectorShuffle.fromOp(S, j -> 2 * j);
    private static final VectorShuffle<Float> ODD = VectorShuffle.fromOp(S, j -> 2 * j + 1);
    private static final IntVector EVEN_INDEX = IOTA.mul(2);

    private PoolingVector() {}

    /**
     * 2x2 stride-2 pooling without padding (the downsampling pools), planes [p0, p1); a block of
     * sixteen windows whose inputs or outputs would run past the arrays' ends is done by
     * {@code tail} (the scalar windows).
     */
    static void max2x2s2(float[] x, int p0, int p1, int h, int w, float[] y, int[] argmax, Tail tail) {
        int ho = h / 2, wo = w / 2;
        for (int p = p0; p < p1; p++) {
            for (int oh = 0; oh < ho; oh++) {
                int r0 = p * h * w + 2 * oh * w, out = (p * ho + oh) * wo;
                for (int o0 = 0; o0 < wo; o0 += L) {
                    int src = r0 + 2 * o0;
                    if (src + w + 2 * L > x.length || out + o0 + L > y.length) {
                        tail.windows(p, oh, o0, Math.min(wo, o0 + L));
                        continue;
                    }
                    FloatVector a0 = FloatVector.fromArray(S, x, src), a1 = FloatVector.fromArray(S, x, src + L);
                    FloatVector b0 = FloatVector.fromArray(S, x, src + w), b1 = FloatVector.fromArray(S, x, src + w + L);
                    IntVector at = EVEN_INDEX.add(src);
                    FloatVector best = a0.rearrange(EVEN, a1);
                    IntVector arg = at;
                    FloatVector v = a0.rearrange(ODD, a1);
                    VectorMask<Float> wins = later(v, best);
                    best = best.blend(v, wins);
                    arg = arg.blend(at.add(1), wins.cast(SI));
                    v = b0.rearrange(EVEN, b1);
                    wins = later(v, best);
                    best = best.blend(v, wins);
                    arg = arg.blend(at.add(w), wins.cast(SI));
                    v = b0.rearrange(ODD, b1);
                    wins = later(v, best);
                    best = best.blend(v, wins);
                    arg = arg.blend(at.add(w + 1), wins.cast(SI));
                    VectorMask<Float> m = S.indexInRange(o0, wo);
                    best.intoArray(y, out + o0, m);
                    arg.intoArray(argmax, out + o0, m.cast(SI));
                }
            }
        }
    }

    /** The scalar windows [o0, o1) of output row oh of plane p. */
    interface Tail {
        void windows(int p, int oh, int o0, int o1);
    }

    /** Lanes where a tap visited after the running maximum replaces it: greater, or the first NaN. */
    private static VectorMask<Float> later(FloatVector v, FloatVector best) {
        return v.compare(VectorOperators.GT, best).or(isNaN(v).andNot(isNaN(best)));
    }

    private static VectorMask<Float> isNaN(FloatVector v) {
        return v.compare(VectorOperators.NE, v);
    }

    /**
     * Per-thread scratch for {@link #max3x3}: the grid (rows of w + 2 with a border of −∞, then
     * slack for the last block's reads), its outputs and their flat input indexes, and the real
     * input index of the centre of each grid position.
     */
    static final class Grid {
        final int h, w, wp, positions;
        final float[] pad, out;
        final int[] arg, centre;

        Grid(int h, int w) {
            this.h = h;
            this.w = w;
            this.wp = w + 2;
            this.positions = (h * wp + L - 1) / L * L;
            this.pad = new float[positions + 2 * wp + 2 + L];
            Arrays.fill(pad, Float.NEGATIVE_INFINITY);
            this.out = new float[positions];
            this.arg = new int[positions];
            this.centre = new int[positions];
            for (int q = 0; q < positions; q++) centre[q] = (q / wp) * w + q % wp;
        }
    }

    /** One plane at {@code base}: writes its h x w outputs at {@code out}. */
    static void max3x3(float[] x, int base, Grid g, float[] y, int[] argmax, int out) {
        int h = g.h, w = g.w, wp = g.wp;
        float[] pad = g.pad;
        for (int r = 0; r < h; r++) System.arraycopy(x, base + r * w, pad, (r + 1) * wp + 1, w);
        for (int q0 = 0; q0 < g.positions; q0 += L) {
            int c = q0 + wp + 1; // the centre of position q0 in the grid
            FloatVector best = FloatVector.fromArray(S, pad, c);
            IntVector at = IntVector.fromArray(SI, g.centre, q0).add(base);
            IntVector arg = at;
            for (int t = 3; t >= 0; t--) { // before the centre, backwards: ties go to the earlier tap
                int di = t / 3 - 1, dj = t % 3 - 1;
                FloatVector v = FloatVector.fromArray(S, pad, c + di * wp + dj);
                VectorMask<Float> wins = v.compare(VectorOperators.GE, best)
                        .and(v.compare(VectorOperators.NE, Float.NEGATIVE_INFINITY))
                        .or(isNaN(v));
                best = best.blend(v, wins);
                arg = arg.blend(at.add(di * w + dj), wins.cast(SI));
            }
            for (int t = 5; t < 9; t++) { // after the centre, forwards: only a greater value wins
                int di = t / 3 - 1, dj = t % 3 - 1;
                FloatVector v = FloatVector.fromArray(S, pad, c + di * wp + dj);
                VectorMask<Float> wins = later(v, best);
                best = best.blend(v, wins);
                arg = arg.blend(at.add(di * w + dj), wins.cast(SI));
            }
            best.intoArray(g.out, q0);
            arg.intoArray(g.arg, q0);
        }
        for (int r = 0; r < h; r++) { // drop the grid's two border columns
            System.arraycopy(g.out, r * wp, y, out + r * w, w);
            System.arraycopy(g.arg, r * wp, argmax, out + r * w, w);
        }
    }
}
