package dev.galvani.attribution.interactions;

/**
 * Salient interactions and sparsity (Ren et al., "Where We Have Arrived in Proving the Emergence of Sparse Symbolic Concepts in AI Models", ICLR 2024; docs/methods.md §3.4): an
 * interaction is salient when {@code |I(S)| > τ}, {@code τ = fraction · max_S |I(S)|} over both
 * kinds; the default fraction is 0.05 (option 0.01). Salient sets are indexed over all
 * {@code 2^(n+1)} interactions, AND terms first (see {@link Interactions#get}).
 */
public final class SalientInteractions {
    public static final double DEFAULT_FRACTION = 0.05;

    private SalientInteractions() {}

    public static double threshold(Interactions x, double fraction) {
        return fraction * x.maxAbs();
    }

    /** Which of the {@code 2^(n+1)} interactions are salient. */
    public static boolean[] salient(Interactions x, double fraction) { // [2^(n+1)]
        double tau = threshold(x, fraction);
        int size = x.subsets();
        boolean[] s = new boolean[2 * size];
        for (int k = 0; k < 2 * size; k++) s[k] = Math.abs(x.get(k)) > tau;
        return s;
    }

    public static boolean[] salient(Interactions x) {
        return salient(x, DEFAULT_FRACTION);
    }

    /** The share of salient interactions among all {@code 2^(n+1)}. */
    public static double sparsity(Interactions x, double fraction) {
        boolean[] s = salient(x, fraction);
        int count = 0;
        for (boolean b : s) if (b) count++;
        return (double) count / s.length;
    }

    public static double sparsity(Interactions x) {
        return sparsity(x, DEFAULT_FRACTION);
    }

    /** Number of salient interactions of each order {@code 0..n}, both kinds together. */
    public static int[] countByOrder(Interactions x, double fraction) { // [n+1]
        return countByOrder(salient(x, fraction), x.players());
    }

    static int[] countByOrder(boolean[] salient, int players) {
        int size = 1 << players;
        int[] c = new int[players + 1];
        for (int k = 0; k < salient.length; k++) if (salient[k]) c[Integer.bitCount(k & (size - 1))]++;
        return c;
    }
}
