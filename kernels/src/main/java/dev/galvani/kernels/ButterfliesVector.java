package dev.galvani.kernels;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API part of {@link Butterflies}: the same quadruple updates, a vector of
 * consecutive {@code j} at a time ({@code h} a multiple of the vector length, so a vector never
 * straddles two blocks). Loaded only when {@code jdk.incubator.vector} is present.
 */
final class ButterfliesVector {
    /**
     * At most four doubles: with eight (AVX-512), the pass over bits 4 and 8 of a 10-player game
     * would be left to the scalar loop, and that costs more than the wider vectors save.
     */
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED.length() > 4 ? DoubleVector.SPECIES_256
            : DoubleVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private ButterfliesVector() {}

    static int lanes() {
        return L;
    }

    static void subsetPair(double[] a, int h) {
        for (int base = 0; base < a.length; base += 4 * h) {
            for (int j = base, end = base + h; j < end; j += L) {
                DoubleVector x0 = DoubleVector.fromArray(S, a, j), x1 = DoubleVector.fromArray(S, a, j + h).sub(x0);
                DoubleVector x2 = DoubleVector.fromArray(S, a, j + 2 * h), x3 = DoubleVector.fromArray(S, a, j + 3 * h);
                x1.intoArray(a, j + h);
                x2.sub(x0).intoArray(a, j + 2 * h);
                x3.sub(x2).sub(x1).intoArray(a, j + 3 * h);
            }
        }
    }

    static void supersetPair(double[] a, int h) {
        for (int base = 0; base < a.length; base += 4 * h) {
            for (int j = base, end = base + h; j < end; j += L) {
                DoubleVector x0 = DoubleVector.fromArray(S, a, j), x1 = DoubleVector.fromArray(S, a, j + h);
                DoubleVector x3 = DoubleVector.fromArray(S, a, j + 3 * h), x2 = DoubleVector.fromArray(S, a, j + 2 * h).sub(x3);
                x0.sub(x1).sub(x2).intoArray(a, j);
                x1.sub(x3).intoArray(a, j + h);
                x2.intoArray(a, j + 2 * h);
            }
        }
    }
}
