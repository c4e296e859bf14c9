package dev.galvani.attribution.stats;

import java.util.Arrays;

/** Rank statistics: Spearman's rho (average ranks for ties) and top-k Jaccard overlap. */
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

    public static double spearman(double[] a, double[] b) {
        double[] ra = ranks(a), rb = ranks(b);
        double ma = 0, mb = 0;
        for (int i = 0; i < a.length; i++) {
            ma += ra[i] / a.length;
            mb += rb[i] / a.length;
        }
        double sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < a.length; i++) {
            sab += (ra[i] - ma) * (rb[i] - mb);
            saa += (ra[i] - ma) * (ra[i] - ma);
            sbb += (rb[i] - mb) * (rb[i] - mb);
        }
        return saa == 0 || sbb == 0 ? Double.NaN : sab / Math.sqrt(saa * sbb);
    }

    static double[] ranks(double[] v) {
        int[] order = argsortDescending(v);
        double[] r = new double[v.length];
        int i = 0;
        while (i < v.length) {
            int j = i;
            while (j + 1 < v.length && v[order[j + 1]] == v[order[i]]) j++;
            double avg = (i + j) / 2.0;
            for (int k = i; k <= j; k++) r[order[k]] = avg;
            i = j + 1;
        }
        return r;
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
