package dev.galvani.kernels;

/**
 * The butterfly passes of the fast Moebius transforms over the subsets of {@code n} players
 * (the AND-OR interactions' transforms; docs/methods.md §3.2): an array of {@code 2^n} doubles
 * holds one number per subset (bit i = player i), and the pass for player bit {@code h} updates
 * each pair ({@code S} without h, {@code S} with h). Each method here takes two players per pass,
 * bits {@code h} and {@code 2h}, on the quadruples {@code a[j], a[j+h], a[j+2h], a[j+3h]}: every
 * entry gets the same subtractions in the same order as with one pass per player (bit h first),
 * so the results are the same bit for bit, with half the passes over the array.
 *
 * <p>With the Vector API ({@link ButterfliesVector}) a pass whose {@code h} is at least a
 * vector's length runs a vector of quadruples at a time; lanewise subtraction rounds as the
 * scalar one does, so the results do not depend on which kernel ran. The caller passes an array of
 * {@code 2^n} entries and a power of two {@code h} with {@code 4h ≤ 2^n} (attribution's Moebius checks).
 */
public final class Butterflies {
    private Butterflies() {}

    /** {@code a[S ∪ h] −= a[S]}, then {@code a[S ∪ 2h] −= a[S]} for S without bits h and 2h (the subset transform's passes). */
    public static void subsetPair(double[] a, int h) {
        if (h >= lanes()) {
            ButterfliesVector.subsetPair(a, h);
        } else {
            subsetPairScalar(a, h);
        }
    }

    /** {@link #subsetPair} without the Vector API (package-private for the tests). */
    static void subsetPairScalar(double[] a, int h) {
        if (h == 1) {   // bits 1 and 2: four consecutive entries
            for (int j = 0; j < a.length; j += 4) {
                double x0 = a[j], x1 = a[j + 1] - x0, x2 = a[j + 2];
                a[j + 1] = x1;
                a[j + 2] = x2 - x0;
                a[j + 3] = a[j + 3] - x2 - x1;
            }
            return;
        }
        for (int base = 0; base < a.length; base += 4 * h) {
            for (int j = base, end = base + h; j < end; j++) {
                double x0 = a[j], x1 = a[j + h] - x0, x2 = a[j + 2 * h];
                a[j + h] = x1;
                a[j + 2 * h] = x2 - x0;
                a[j + 3 * h] = a[j + 3 * h] - x2 - x1;
            }
        }
    }

    /** {@code a[S] −= a[S ∪ h]}, then {@code a[S] −= a[S ∪ 2h]} for S without bits h and 2h (the superset transform's passes). */
    public static void supersetPair(double[] a, int h) {
        if (h >= lanes()) {
            ButterfliesVector.supersetPair(a, h);
        } else {
            supersetPairScalar(a, h);
        }
    }

    /** {@link #supersetPair} without the Vector API (package-private for the tests). */
    static void supersetPairScalar(double[] a, int h) {
        if (h == 1) {
            for (int j = 0; j < a.length; j += 4) {
                double x1 = a[j + 1], x3 = a[j + 3], x2 = a[j + 2] - x3;
                a[j] = a[j] - x1 - x2;
                a[j + 1] = x1 - x3;
                a[j + 2] = x2;
            }
            return;
        }
        for (int base = 0; base < a.length; base += 4 * h) {
            for (int j = base, end = base + h; j < end; j++) {
                double x1 = a[j + h], x3 = a[j + 3 * h], x2 = a[j + 2 * h] - x3;
                a[j] = a[j] - x1 - x2;
                a[j + h] = x1 - x3;
                a[j + 2 * h] = x2;
            }
        }
    }

    /** The vector kernel's length in doubles; {@code Integer.MAX_VALUE} (never) without the Vector API. */
    static int lanes() {
        return Lanes.LANES;
    }

    /** Resolved once, on first use: loading {@link ButterfliesVector} needs the incubator module. */
    private static final class Lanes {
        static final int LANES = Gemm.vectorApi() ? ButterfliesVector.lanes() : Integer.MAX_VALUE;
    }
}
