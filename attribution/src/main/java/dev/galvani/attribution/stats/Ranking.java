package dev.galvani.attribution.stats;

import org.apache.commons.math3.stat.correlation.SpearmansCorrelation;
import org.apache.commons.math3.stat.ranking.NaNStrategy;
import org.apache.commons.math3.stat.ranking.NaturalRanking;
import org.apache.commons.math3.stat.ranking.TiesStrategy;

import java.util.Arrays;

/** Rank statistics: the median, Spearman's rho (Commons Math; average ranks for ties) and top-k Jaccard overlap. */
public final class Ranking {
    private Ranking() {}

    public static int[] argsortDescending(double[] v) {
        Integer[] idx = new Integer[v.length];
        for (int i = 0; i < v.length; i++) idx[i] = i;
        Arrays.sort(idx, (a, b) -> Double.compare(v[b], v[a]) != 0 ? Double.compare(v[b], v[a]) : Integer.compare(a, b));
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) out[i] = idx[i];
        return out;
    }

    /** The median, NaNs left out (NaN when nothing is left). */
    public static double median(double[] v) {
        double[] s = Arrays.stream(v).filter(x -> !Double.isNaN(x)).sorted().toArray();
        if (s.length == 0) return Double.NaN;
        return s.length % 2 == 1 ? s[s.length / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
    }

    /**
     * Spearman's rho: Pearson's correlation of the ranks, ties sharing their average rank. NaN
     * when either side is constant (it ranks nothing) or holds a NaN.
     */
    public static double spearman(double[] a, double[] b) {
        return new SpearmansCorrelation(new NaturalRanking(NaNStrategy.FIXED, TiesStrategy.AVERAGE)).correlation(a, b);
    }

    /** |top-k(a) ∩ top-k(b)| / |top-k(a) ∪ top-k(b)|. */
    public static double topKJaccard(double[] a, double[] b, int k) {
        int[] oa = argsortDescending(a), ob = argsortDescending(b);
        java.util.Set<Integer> sa = new java.util.HashSet<>(), sb = new java.util.HashSet<>();
        for (int i = 0; i < k; i++) {
            sa.add(oa[i]);
            sb.add(ob[i]);
        }
        java.util.Set<Integer> inter = new java.util.HashSet<>(sa);
        inter.retainAll(sb);
        java.util.Set<Integer> union = new java.util.HashSet<>(sa);
        union.addAll(sb);
        return (double) inter.size() / union.size();
    }
}
