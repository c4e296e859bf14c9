package dev.galvani.attribution.interactions;

import dev.galvani.engine.GalvaniException;

import java.util.List;

/**
 * How interactions change across layers, and how they generalise across nets and under noise
 * (Cheng, Ren, Zhang et al., "Layerwise Change of Knowledge in Neural Networks", ICML 2024; docs/methods.md §3.6 and §3.7). Strength-based metrics split each
 * interaction into {@code I⁺ = max(I, 0)} and {@code I⁻ = max(−I, 0)} and compare AND with AND
 * and OR with OR terms of the same {@code S}. Every metric is also given per order {@code |S|}:
 * an array {@code [n+1]} whose entries sum to the total.
 */
public final class LayerwiseMetrics {
    private LayerwiseMetrics() {}

    /** {@code Σ |I(S)|} over both kinds, per order {@code |S| = 0..n}. */
    public static double[] strengthByOrder(Interactions x) { // [n+1]
        double[] s = new double[x.players() + 1];
        for (int m = 0; m < x.subsets(); m++) {
            s[Integer.bitCount(m)] += Math.abs(x.and()[m]) + Math.abs(x.or()[m]);
        }
        return s;
    }

    public static double strength(Interactions x) {
        return x.l1();
    }

    /** {@code overlap(a,b) = Σ_S min(I_a⁺, I_b⁺) + min(I_a⁻, I_b⁻)}, per order. */
    public static double[] overlapByOrder(Interactions a, Interactions b) { // [n+1]
        checkAligned(a, b);
        double[] o = new double[a.players() + 1];
        for (int m = 0; m < a.subsets(); m++) {
            o[Integer.bitCount(m)] += common(a.and()[m], b.and()[m]) + common(a.or()[m], b.or()[m]);
        }
        return o;
    }

    public static double overlap(Interactions a, Interactions b) {
        return sum(overlapByOrder(a, b));
    }

    /** {@code Σ_S max(I_a⁺, I_b⁺) + max(I_a⁻, I_b⁻)}, per order: the union for the IoU. */
    public static double[] unionByOrder(Interactions a, Interactions b) { // [n+1]
        checkAligned(a, b);
        double[] u = new double[a.players() + 1];
        for (int m = 0; m < a.subsets(); m++) {
            u[Integer.bitCount(m)] += joint(a.and()[m], b.and()[m]) + joint(a.or()[m], b.or()[m]);
        }
        return u;
    }

    /**
     * Generalisation between two nets' interactions on the same sample: the IoU
     * {@code overlap / (Σ max(I_a⁺, I_b⁺) + max(I_a⁻, I_b⁻))}, per order; NaN for an order where
     * both sets are all zero.
     */
    public static double[] generalisationByOrder(Interactions a, Interactions b) { // [n+1]
        double[] o = overlapByOrder(a, b);
        double[] u = unionByOrder(a, b);
        for (int k = 0; k < o.length; k++) o[k] = u[k] == 0 ? Double.NaN : o[k] / u[k];
        return o;
    }

    public static double generalisation(Interactions a, Interactions b) {
        double u = sum(unionByOrder(a, b));
        return u == 0 ? Double.NaN : overlap(a, b) / u;
    }

    /**
     * Strength-based layerwise change of one sample, {@code [layers][n+1]} by order; layer
     * {@code L−1} is the last. Layer 0 is compared with an empty set: it forgets nothing and all
     * its interactions are new. Completeness and redundancy per order are divided by the total
     * {@code Σ|I^(L)|}, so they sum over orders to the totals of docs/methods.md §3.6
     *
     * @param forgotten {@code forget(l) = Σ|I^(l−1)| − overlap(l−1, l)}
     * @param newInteractions {@code new(l) = Σ|I^(l)| − overlap(l−1, l)}
     * @param completeness {@code overlap(l, L) / Σ|I^(L)|}
     * @param redundancy {@code (Σ|I^(l)| − overlap(l, L)) / Σ|I^(L)|}
     */
    public record Change(double[][] forgotten, double[][] newInteractions, double[][] completeness,
                         double[][] redundancy) {
        public int layers() {
            return forgotten.length;
        }

        public double forgotten(int layer) {
            return sum(forgotten[layer]);
        }

        public double newInteractions(int layer) {
            return sum(newInteractions[layer]);
        }

        public double completeness(int layer) {
            return sum(completeness[layer]);
        }

        public double redundancy(int layer) {
            return sum(redundancy[layer]);
        }
    }

    /** The layerwise change of one sample; {@code layers.get(l)} holds {@code I^(l)}, aligned by {@code S}. */
    public static Change change(List<Interactions> layers) {
        int count = layers.size();
        if (count == 0) throw new GalvaniException("layerwise interactions: no layers given");
        Interactions last = layers.get(count - 1);
        double total = last.l1();
        int orders = last.players() + 1;
        double[][] forgotten = new double[count][];
        double[][] fresh = new double[count][];
        double[][] completeness = new double[count][orders];
        double[][] redundancy = new double[count][orders];
        for (int l = 0; l < count; l++) {
            Interactions cur = layers.get(l);
            double[] strength = strengthByOrder(cur);
            if (l == 0) {
                forgotten[l] = new double[orders];
                fresh[l] = strength.clone();
            } else {
                Interactions prev = layers.get(l - 1);
                double[] overlap = overlapByOrder(prev, cur);
                forgotten[l] = minus(strengthByOrder(prev), overlap);
                fresh[l] = minus(strength, overlap);
            }
            double[] toLast = overlapByOrder(cur, last);
            for (int k = 0; k < orders; k++) {
                completeness[l][k] = toLast[k] / total;
                redundancy[l][k] = (strength[k] - toLast[k]) / total;
            }
        }
        return new Change(forgotten, fresh, completeness, redundancy);
    }

    /** The mean of per-sample changes (each sample first, then averaged, as docs/methods.md §3.6 says). */
    public static Change mean(List<Change> samples) {
        if (samples.isEmpty()) throw new GalvaniException("layerwise interactions: no samples to average");
        Change first = samples.get(0);
        int layers = first.layers();
        int orders = first.forgotten()[0].length;
        double[][][] acc = new double[4][layers][orders];
        for (Change c : samples) {
            if (c.layers() != layers || c.forgotten()[0].length != orders) {
                throw new GalvaniException("layerwise interactions: samples differ in layers or players ("
                        + c.layers() + " vs " + layers + ")");
            }
            double[][][] parts = {c.forgotten(), c.newInteractions(), c.completeness(), c.redundancy()};
            for (int p = 0; p < 4; p++) {
                for (int l = 0; l < layers; l++) {
                    for (int k = 0; k < orders; k++) acc[p][l][k] += parts[p][l][k] / samples.size();
                }
            }
        }
        return new Change(acc[0], acc[1], acc[2], acc[3]);
    }

    /**
     * Count-based layerwise change on salient sets {@code Ω^(l)} (each layer with its own
     * threshold, {@code fraction · max |I^(l)|}), {@code [layers][n+1]} by order. An element of
     * {@code Ω} is a subset together with its kind (AND or OR); the sign is ignored.
     *
     * @param salient {@code |Ω^(l)|}
     * @param newInteractions {@code |Ω^(l) ∖ Ω^(l−1)|} ({@code Ω^(−1) = ∅})
     * @param forgotten {@code |Ω^(l−1) ∖ Ω^(l)|}
     */
    public record CountChange(int[][] salient, int[][] newInteractions, int[][] forgotten) {}

    public static CountChange countChange(List<Interactions> layers, double fraction) {
        int count = layers.size();
        if (count == 0) throw new GalvaniException("layerwise interactions: no layers given");
        int n = layers.get(0).players();
        int size = 1 << n;
        int[][] salient = new int[count][];
        int[][] fresh = new int[count][n + 1];
        int[][] forgotten = new int[count][n + 1];
        boolean[] prev = new boolean[2 * size];
        for (int l = 0; l < count; l++) {
            Interactions x = layers.get(l);
            if (l > 0) checkAligned(layers.get(l - 1), x);
            boolean[] cur = SalientInteractions.salient(x, fraction);
            salient[l] = SalientInteractions.countByOrder(cur, n);
            for (int k = 0; k < cur.length; k++) {
                int order = Integer.bitCount(k & (size - 1));
                if (cur[k] && !prev[k]) fresh[l][order]++;
                if (prev[k] && !cur[k]) forgotten[l][order]++;
            }
            prev = cur;
        }
        return new CountChange(salient, fresh, forgotten);
    }

    /**
     * Noise stability (docs/methods.md §3.7): per interaction, {@code |mean| / std} of {@code I(S)} over
     * the noise draws (sample standard deviation, {@code n−1}), averaged over the interactions of
     * each order. Interactions with zero spread (for example OR terms set to zero by the merge)
     * carry no information on stability and are left out; an order with none left is NaN.
     */
    public static double[] noiseStabilityByOrder(List<Interactions> draws) { // [n+1]
        return noiseStabilityByOrder(draws, null);
    }

    /** As {@link #noiseStabilityByOrder(List)}, over the selected interactions only (for example the salient ones of the clean sample). */
    public static double[] noiseStabilityByOrder(List<Interactions> draws, boolean[] selected) { // [n+1]
        if (draws.size() < 2) throw new GalvaniException("noise stability: needs at least 2 noise draws, got " + draws.size());
        Interactions first = draws.get(0);
        for (Interactions d : draws) checkAligned(first, d);
        int n = first.players();
        int size = first.subsets();
        if (selected != null && selected.length != 2 * size) {
            throw new GalvaniException("noise stability: selection has " + selected.length + " entries, expected " + 2 * size);
        }
        double[] sum = new double[n + 1];
        int[] used = new int[n + 1];
        int m = draws.size();
        for (int k = 0; k < 2 * size; k++) {
            if (selected != null && !selected[k]) continue;
            double mean = 0;
            for (Interactions d : draws) mean += d.get(k);
            mean /= m;
            double var = 0;
            for (Interactions d : draws) {
                double e = d.get(k) - mean;
                var += e * e;
            }
            double std = Math.sqrt(var / (m - 1));
            if (std == 0) continue;
            int order = Integer.bitCount(k & (size - 1));
            sum[order] += Math.abs(mean) / std;
            used[order]++;
        }
        for (int k = 0; k <= n; k++) sum[k] = used[k] == 0 ? Double.NaN : sum[k] / used[k];
        return sum;
    }

    private static double common(double a, double b) {
        return Math.min(Math.max(a, 0), Math.max(b, 0)) + Math.min(Math.max(-a, 0), Math.max(-b, 0));
    }

    private static double joint(double a, double b) {
        return Math.max(Math.max(a, 0), Math.max(b, 0)) + Math.max(Math.max(-a, 0), Math.max(-b, 0));
    }

    private static double[] minus(double[] a, double[] b) {
        double[] c = new double[a.length];
        for (int i = 0; i < a.length; i++) c[i] = a[i] - b[i];
        return c;
    }

    static double sum(double[] a) {
        double s = 0;
        for (double x : a) s += x;
        return s;
    }

    private static void checkAligned(Interactions a, Interactions b) {
        if (a.players() != b.players()) {
            throw new GalvaniException("interactions: sets over " + a.players() + " and " + b.players()
                    + " players cannot be compared");
        }
    }
}
