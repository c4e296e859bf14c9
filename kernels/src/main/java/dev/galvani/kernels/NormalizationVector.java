package dev.galvani.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API part of {@link Normalization}: the per-plane float sums, lane for lane the scalar
 * code's accumulators, so the numbers are bit-identical to it. The scalar {@code sum} and
 * {@code squaredDeviations} keep eight partial sums (element j goes to sum j mod 8), which is one
 * 8-lane vector; {@code gradientSums} keeps four of each sum, one 4-lane vector. The species are
 * fixed (not the machine's preferred width) because the lane count decides the rounding: the same
 * numbers come out on any machine. Loaded only when {@code jdk.incubator.vector} is present.
 */
final class NormalizationVector {
    private static final VectorSpecies<Float> S8 = FloatVector.SPECIES_256;
    private static final VectorSpecies<Float> S4 = FloatVector.SPECIES_128;

    private NormalizationVector() {}

    /** The scalar code's combination of eight partial sums, {@code ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))}. */
    private static float pairwise8(FloatVector s) {
        return ((s.lane(0) + s.lane(1)) + (s.lane(2) + s.lane(3))) + ((s.lane(4) + s.lane(5)) + (s.lane(6) + s.lane(7)));
    }

    /** The scalar code's combination of four partial sums, {@code (s0 + s1) + (s2 + s3)}. */
    private static float pairwise4(FloatVector s) {
        return (s.lane(0) + s.lane(1)) + (s.lane(2) + s.lane(3));
    }

    /** {@link Normalization#sum}. */
    static float sum(float[] x, int off, int len) {
        FloatVector acc = FloatVector.zero(S8);
        int j = 0;
        for (; j + 8 <= len; j += 8) acc = acc.add(FloatVector.fromArray(S8, x, off + j));
        float s = pairwise8(acc);
        for (; j < len; j++) s += x[off + j];
        return s;
    }

    /** {@link Normalization#squaredDeviations}. */
    static float squaredDeviations(float[] x, int off, int len, float mu) {
        FloatVector acc = FloatVector.zero(S8);
        int j = 0;
        for (; j + 8 <= len; j += 8) {
            FloatVector d = FloatVector.fromArray(S8, x, off + j).sub(mu);
            acc = acc.add(d.mul(d));
        }
        float s = pairwise8(acc);
        for (; j < len; j++) {
            float d = x[off + j] - mu;
            s += d * d;
        }
        return s;
    }

    /** {@link Normalization#gradientSums}: Σ g and Σ g x̂ into out[0], out[1]. */
    static void gradientSums(float[] g, float[] x, int off, int len, float mu, float is, float[] out) {
        FloatVector a = FloatVector.zero(S4), b = FloatVector.zero(S4);
        int j = 0;
        for (; j + 4 <= len; j += 4) {
            FloatVector gv = FloatVector.fromArray(S4, g, off + j);
            FloatVector xhat = FloatVector.fromArray(S4, x, off + j).sub(mu).mul(is);
            a = a.add(gv);
            b = b.add(gv.mul(xhat));
        }
        float sa = pairwise4(a), sb = pairwise4(b);
        for (; j < len; j++) {
            sa += g[off + j];
            sb += g[off + j] * ((x[off + j] - mu) * is);
        }
        out[0] = sa;
        out[1] = sb;
    }
}
