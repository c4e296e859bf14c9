package dev.galvani.attribution.interactions;

import dev.galvani.engine.GalvaniException;

/**
 * Harsanyi AND and OR interactions of a game (Li & Zhang, ICML 2023; Ren et al., CVPR 2023;
 * "Does a Neural Network Really Encode Symbolic Concepts?"; docs/methods.md §3.2), in double precision, from the values {@code v(x_T)} of all {@code 2^n}
 * masked samples.
 */
public final class HarsanyiInteractions {
    private HarsanyiInteractions() {}

    /** {@code I_and(S) = Σ_{T⊆S} (−1)^{|S|−|T|} v(x_T)}, the Harsanyi dividends of {@code v}. */
    public static double[] and(double[] v) { // [2^n]
        double[] a = v.clone();
        Moebius.subset(a);
        return a;
    }

    /**
     * {@code I_or(S) = −Σ_{T⊆S} (−1)^{|S|−|T|} v(x_{N∖T})} for {@code S ≠ ∅},
     * {@code I_or(∅) = v(x_∅)}.
     */
    public static double[] or(double[] v) { // [2^n]
        double[] o = new double[v.length];
        Moebius.or(v, o);
        return o;
    }

    /**
     * The plain Harsanyi dividends without decomposition: {@code I_and} of {@code v}, no OR
     * terms. Its L1 norm is what the AND-OR decomposition is compared against.
     */
    public static Interactions harsanyi(double[] v) {
        return Interactions.andOnly(and(v));
    }

    public static Interactions harsanyi(Game game) {
        return harsanyi(game.values());
    }

    /**
     * The decomposed form (the reference's "pq" form): {@code I_and} of
     * {@code v_and = ½ (v + q) + p} and {@code I_or} of {@code v_or = ½ (v + q) − p}.
     * With {@code p = q = 0} each kind explains half of {@code v}.
     */
    public static Interactions decomposed(double[] v, double[] p, double[] q) {
        int n = Moebius.players(v.length);
        if (p.length != v.length || q.length != v.length) {
            throw new GalvaniException("interactions: p and q need " + v.length + " entries; got "
                    + p.length + " and " + q.length);
        }
        double[] vAnd = new double[v.length];
        double[] vOr = new double[v.length];
        for (int t = 0; t < v.length; t++) {
            double half = 0.5 * (v[t] + q[t]);
            vAnd[t] = half + p[t];
            vOr[t] = half - p[t];
        }
        Moebius.subset(vAnd);
        Moebius.or(vOr, vOr);
        return new Interactions(n, vAnd, vOr);
    }
}
