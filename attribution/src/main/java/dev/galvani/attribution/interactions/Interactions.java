package dev.galvani.attribution.interactions;

import dev.galvani.engine.GalvaniException;

/**
 * AND and OR interactions of one sample, one number per subset {@code S} of the {@code n}
 * players, each array indexed by bitmask (bit i = player i). An AND-only set (the plain
 * Harsanyi dividends) has an all-zero {@code or} array.
 *
 * <p>Both kinds together form {@code 2^(n+1)} interactions; where one index runs over all of
 * them, AND terms take {@code 0..2^n−1} and OR terms {@code 2^n..2^(n+1)−1}.
 */
public record Interactions(int players, double[] and, double[] or) { // and, or: [2^n]
    public Interactions {
        if (Moebius.players(and.length) != players || or.length != and.length) {
            throw new GalvaniException("interactions: " + players + " players need 2^" + players
                    + " AND and OR terms; got " + and.length + " and " + or.length);
        }
    }

    /** AND interactions only (OR terms zero), e.g. the plain Harsanyi dividends. */
    public static Interactions andOnly(double[] and) {
        return new Interactions(Moebius.players(and.length), and, new double[and.length]);
    }

    public int subsets() {
        return and.length;
    }

    /** The order {@code |S|} of a subset. */
    public static int order(int mask) {
        return Integer.bitCount(mask);
    }

    /** Interaction {@code k} of the {@code 2^(n+1)} (AND terms first, then OR terms). */
    public double get(int k) {
        return k < and.length ? and[k] : or[k - and.length];
    }

    /** {@code Σ_S |I_and(S)| + Σ_S |I_or(S)|}, the loss the AND-OR decomposition minimises. */
    public double l1() {
        double s = 0;
        for (double x : and) s += Math.abs(x);
        for (double x : or) s += Math.abs(x);
        return s;
    }

    /** {@code max_S |I(S)|} over both kinds. */
    public double maxAbs() {
        double m = 0;
        for (double x : and) m = Math.max(m, Math.abs(x));
        for (double x : or) m = Math.max(m, Math.abs(x));
        return m;
    }

    /**
     * The outputs these interactions reproduce, by universal matching (docs/methods.md §3.2):
     * {@code u(T) = Σ_{S⊆T} I_and(S) + I_or(∅) + Σ_{S∩T≠∅} I_or(S)}; for a decomposition this is
     * {@code v(x_T) + q_T}.
     */
    public double[] matchedValues() { // [2^n]
        double[] u = and.clone();
        Moebius.subsetZeta(u);
        double[] w = new double[or.length];
        Moebius.orInverse(or, w);
        for (int t = 0; t < u.length; t++) u[t] += w[t];
        return u;
    }
}
