package dev.galvani.attribution.interactions;

import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Rng;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class MoebiusTest {
    private final Rng rng = new Rng(7);

    @Test void subsetTransformEqualsEnumeration() {
        for (int n = 0; n <= 8; n++) {
            double[] v = Naive.gaussian(rng, 1 << n);
            double[] a = v.clone();
            Moebius.subset(a);
            assertArrayEquals(Naive.and(v), a, 1e-10, "n=" + n);
        }
    }

    @Test void orTransformEqualsEnumeration() {
        for (int n = 1; n <= 8; n++) {
            double[] v = Naive.gaussian(rng, 1 << n);
            double[] o = new double[v.length];
            Moebius.or(v, o);
            assertArrayEquals(Naive.or(v), o, 1e-10, "n=" + n);
            Moebius.or(v, v); // in place gives the same
            assertArrayEquals(o, v, 0, "n=" + n);
        }
    }

    @Test void inversesRestoreTheValues() {
        for (int n = 1; n <= 8; n++) {
            double[] v = Naive.gaussian(rng, 1 << n);
            double[] a = v.clone();
            Moebius.subset(a);
            Moebius.subsetZeta(a);
            assertArrayEquals(v, a, 1e-10);
            a = v.clone();
            Moebius.superset(a);
            Moebius.supersetZeta(a);
            assertArrayEquals(v, a, 1e-10);
            double[] o = new double[v.length];
            Moebius.or(v, o);
            double[] back = new double[v.length];
            Moebius.orInverse(o, back);
            assertArrayEquals(v, back, 1e-10, "n=" + n);
        }
    }

    @Test void transposedTransformsEqualDenseTransposes() {
        for (int n = 1; n <= 7; n++) {
            double[] g = Naive.gaussian(rng, 1 << n);
            double[] a = g.clone();
            Moebius.superset(a);
            assertArrayEquals(Naive.transposeTimes(Naive.andMatrix(n), g), a, 1e-10, "and, n=" + n);
            double[] o = new double[g.length];
            Moebius.orTransposed(g, o);
            assertArrayEquals(Naive.transposeTimes(Naive.orMatrix(n), g), o, 1e-10, "or, n=" + n);
        }
    }

    @Test void dotProductIdentityAtFourteenPlayers() {
        // <M x, y> = <x, Mᵀ y> at the largest size the studies use, without dense matrices
        int size = 1 << 14;
        double[] x = Naive.gaussian(rng, size);
        double[] y = Naive.gaussian(rng, size);
        double[] mx = new double[size];
        Moebius.or(x, mx);
        double[] mty = new double[size];
        Moebius.orTransposed(y, mty);
        assertEquals(dot(mx, y), dot(x, mty), 1e-8 * size);
        double[] ax = x.clone();
        Moebius.subset(ax);
        double[] aty = y.clone();
        Moebius.superset(aty);
        assertEquals(dot(ax, y), dot(x, aty), 1e-8 * size);
    }

    @Test void sumOfDividendsIsTheFullValue() {
        double[] v = Naive.gaussian(rng, 1 << 9);
        double[] a = v.clone();
        Moebius.subset(a);
        assertEquals(v[v.length - 1], LayerwiseMetrics.sum(a), 1e-9);
    }

    /**
     * The transforms take two players per pass; every entry must get the same subtractions in the
     * same order as with one pass per player (the textbook butterfly below), so the results, and
     * every decomposition built on them, are the same bit for bit, at odd and even n.
     */
    @Test void twoPlayersPerPassEqualOnePerPassBitForBit() {
        for (int n = 0; n <= 11; n++) {
            double[] v = Naive.gaussian(rng, 1 << n);
            for (int i = 0; i < v.length; i += 3) v[i] *= 1e6;   // mixed scales, so a changed order would round differently
            double[] a = v.clone(), b = v.clone(), c = v.clone(), d = v.clone();
            Moebius.subset(a);
            onePerPass(b, false);
            assertArrayEquals(b, a, 0, "subset, n=" + n);
            Moebius.superset(c);
            onePerPass(d, true);
            assertArrayEquals(d, c, 0, "superset, n=" + n);
        }
    }

    /** One pass per player: {@code a[S ∪ i] −= a[S]} (subset), or {@code a[S] −= a[S ∪ i]} (superset). */
    private static void onePerPass(double[] a, boolean superset) {
        for (int h = 1; h < a.length; h <<= 1) {
            for (int base = 0; base < a.length; base += 2 * h) {
                for (int j = base; j < base + h; j++) {
                    if (superset) a[j] -= a[j + h];
                    else a[j + h] -= a[j];
                }
            }
        }
    }

    @Test void rejectsLengthsThatAreNotPowersOfTwo() {
        assertThrows(GalvaniException.class, () -> Moebius.subset(new double[12]));
        assertEquals(14, Moebius.players(16384));
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }
}
