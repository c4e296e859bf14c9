package dev.galvani.attribution.interactions;

import dev.galvani.engine.Rng;

/** Definitions of docs/methods.md §3.2 by plain enumeration of subsets, as the independent reference. */
final class Naive {
    private Naive() {}

    static boolean subsetOf(int t, int s) {
        return (t & ~s) == 0;
    }

    static double sign(int s, int t) {
        return ((Integer.bitCount(s) - Integer.bitCount(t)) & 1) == 0 ? 1 : -1;
    }

    /** Dense AND matrix: row S, column T, {@code (−1)^{|S|−|T|}} for {@code T⊆S}. */
    static double[][] andMatrix(int n) {
        int size = 1 << n;
        double[][] m = new double[size][size];
        for (int s = 0; s < size; s++) for (int t = 0; t < size; t++) if (subsetOf(t, s)) m[s][t] = sign(s, t);
        return m;
    }

    /** Dense OR matrix: row S, column U = N∖T, {@code −(−1)^{|S|−|T|}} for {@code T⊆S}, S ≠ ∅; row ∅ picks v(∅). */
    static double[][] orMatrix(int n) {
        int size = 1 << n;
        int full = size - 1;
        double[][] m = new double[size][size];
        m[0][0] = 1;
        for (int s = 1; s < size; s++) for (int t = 0; t < size; t++) if (subsetOf(t, s)) m[s][full & ~t] = -sign(s, t);
        return m;
    }

    static double[] times(double[][] m, double[] x) {
        double[] y = new double[m.length];
        for (int i = 0; i < m.length; i++) for (int j = 0; j < x.length; j++) y[i] += m[i][j] * x[j];
        return y;
    }

    static double[] transposeTimes(double[][] m, double[] x) {
        double[] y = new double[m[0].length];
        for (int i = 0; i < m.length; i++) for (int j = 0; j < y.length; j++) y[j] += m[i][j] * x[i];
        return y;
    }

    static double[] and(double[] v) {
        return times(andMatrix(Integer.numberOfTrailingZeros(v.length)), v);
    }

    static double[] or(double[] v) {
        return times(orMatrix(Integer.numberOfTrailingZeros(v.length)), v);
    }

    /** Universal matching: {@code Σ_{S⊆T} I_and(S) + I_or(∅) + Σ_{S∩T≠∅} I_or(S)}. */
    static double matched(Interactions x, int t) {
        double u = x.or()[0];
        for (int s = 0; s < x.subsets(); s++) {
            if (subsetOf(s, t)) u += x.and()[s];
            if ((s & t) != 0) u += x.or()[s];
        }
        return u;
    }

    static double[] gaussian(Rng rng, int size) {
        double[] v = new double[size];
        for (int i = 0; i < size; i++) v[i] = rng.gaussian();
        return v;
    }
}
