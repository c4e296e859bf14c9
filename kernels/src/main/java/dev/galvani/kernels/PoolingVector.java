package dev.galvani.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API part of {@link Pooling}: 3x3 stride-1 max pooling of one plane's interior, with
 * the plane read as a flat array so that one vector covers consecutive windows across rows. Taps
 * are visited in row-major order and a tap replaces the running maximum only when strictly
 * greater (or NaN), so the first maximal element wins, as in the scalar path. Loaded only when
 * {@code jdk.incubator.vector} is present.
 */
final class PoolingVector {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> SI = VectorSpecies.of(int.class, S.vectorShape());
    private static final int L = S.length();

    private PoolingVector() {}

    /**
     * Windows centred on flat positions {@code w+1 .. (h-1)·w-2} of the plane at {@code base}
     * (every window whose rows are inside; the first and last columns among them wrap around and
     * must be redone by the caller). Output positions equal input positions (stride 1, padding 1).
     */
    static void max3x3Interior(float[] x, int base, int h, int w, float[] y, int[] argmax, int out) {
        int[] offsets = {-w - 1, -w, -w + 1, -1, 0, 1, w - 1, w, w + 1};
        IntVector iota = IntVector.zero(SI).addIndex(1);
        int end = (h - 1) * w - 1;
        for (int o = w + 1; o < end; o += L) {
            VectorMask<Float> m = S.indexInRange(o, end);
            int at = base + o;
            FloatVector best = FloatVector.fromArray(S, x, at + offsets[0], m);
            IntVector arg = iota.add(at + offsets[0]);
            for (int t = 1; t < 9; t++) {
                FloatVector v = FloatVector.fromArray(S, x, at + offsets[t], m);
                VectorMask<Float> wins = v.compare(VectorOperators.GT, best).or(v.test(VectorOperators.IS_NAN));
                best = best.blend(v, wins);
                arg = arg.blend(iota.add(at + offsets[t]), wins.cast(SI));
            }
            best.intoArray(y, out + o, m);
            arg.intoArray(argmax, out + o, m.cast(SI));
        }
    }
}
