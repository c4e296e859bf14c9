package dev.galvani.attribution.studies;

import dev.galvani.attribution.ablation.Ablation;
import dev.galvani.attribution.conductance.AttributionResult;
import dev.galvani.attribution.conductance.Discretisation;
import dev.galvani.attribution.conductance.LayerConductance;
import dev.galvani.attribution.conductance.Quadrature;
import dev.galvani.attribution.report.Report;
import dev.galvani.attribution.stats.Ranking;
import dev.galvani.engine.Rng;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.nn.Module;
import dev.galvani.models.progress.Progress;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Experiment 1 of "How Important Is a Neuron?" (Dhamdhere, Yan and Sundararajan, 2018;
 * docs/methods.md §1.10): rank a
 * layer's filters by each method for an input's predicted class, remove them one at a time and
 * cumulatively (top-k first), and compare. A filter is removed two ways: zeroed, and patched to
 * its value at the baseline input (the all-zero image), which is the change whose effect
 * conductance measures along the path. For each, the study reports each method's Spearman
 * correlation with the single-filter drops in the target logit and how many top filters must go
 * before the prediction flips, against a seeded random order.
 */
public final class AblationStudy {
    private AblationStudy() {}

    public static final List<String> METHODS = List.of("Conductance", "Gradient*Activation", "Internal influence", "Activation", "Random");

    /** How a removed filter is replaced. */
    public enum Removal {
        ZERO("zeroed"), BASELINE("patched to the baseline's value");

        public final String description;

        Removal(String description) {
            this.description = description;
        }
    }

    /**
     * @param layer   the layer whose filters are ranked and ablated
     * @param steps   quadrature nodes of the attributions
     * @param maxK    the most top filters removed cumulatively
     * @param maxRows the most rows per forward pass (path rows, and ablated copies); null for what the heap holds
     */
    public record Config(String layer, int steps, int maxK, Integer maxRows, long seed) {
        /** The study's defaults: the paper's inception4a, 50 steps, up to the top 64 filters, held-out images 0-31. */
        public static final String LAYER = "inception4a", EXAMPLES = "0-31";
        public static final int STEPS = 50, TOP = 64;

        public static Config defaults() {
            return new Config(LAYER, STEPS, TOP, null, 0);
        }
    }

    /** Per method: correlation with ablation drops and flip counts, over the examples. */
    public record MethodSummary(String method, double meanSpearman, double medianSpearman,
                                double medianFlipK, int flipped, int examples) {
        /** A Spearman figure for tables: "n/a" for the random order, which ranks nothing. */
        public static Object cell(double rho) {
            return Double.isNaN(rho) ? "n/a" : rho;
        }
    }

    /** One way of removing filters: the single-filter drops [example][filter], per-method correlations and flip counts. */
    public record RemovalResult(Removal removal, double[][] singleDrops, Map<String, double[]> spearman, Map<String, int[]> flipK,
                                List<MethodSummary> summary) {}

    public record Result(Config config, int filters, int[] predicted, double[][] conductance, double medianRelativeDelta,
                         List<RemovalResult> removals) {
        public RemovalResult removal(Removal r) {
            for (RemovalResult x : removals) if (x.removal() == r) return x;
            throw new IllegalArgumentException(r.name());
        }

        /** The zero-ablation summary (the paper's experiment). */
        public List<MethodSummary> summary() {
            return removal(Removal.ZERO).summary();
        }

        /** Per way of removing filters, one line per method: mean Spearman with single-filter drops, median flip k, flips. */
        public String text() {
            StringBuilder sb = new StringBuilder();
            for (RemovalResult rr : removals) {
                sb.append("filters ").append(rr.removal().description).append(":\n");
                for (MethodSummary s : rr.summary()) {
                    sb.append(String.format(Locale.ROOT, "  %-22s mean Spearman %6s  median flip k %5.1f  flipped %d/%d%n", s.method(),
                            Double.isNaN(s.meanSpearman()) ? "n/a" : String.format(Locale.ROOT, "%.3f", s.meanSpearman()), s.medianFlipK(), s.flipped(), s.examples()));
                }
            }
            return sb.toString();
        }
    }

    public static Result run(Module model, Tensor images, Config cfg) {
        LayerConductance lc = new LayerConductance(model).layers(cfg.layer()).integratedGradients(false).steps(cfg.steps())
                .method(Quadrature.GAUSS_LEGENDRE).discretisation(Discretisation.JVP);
        if (cfg.maxRows() != null) lc.maxRows(cfg.maxRows());
        AttributionResult attr = lc.attribute(images);
        AttributionResult.Layer l = attr.layer(cfg.layer());
        int[] cls = attr.classes();
        Map<String, Tensor> scores = new LinkedHashMap<>();
        scores.put("Conductance", l.filterConductance());
        scores.put("Gradient*Activation", AttributionResult.Layer.perFilter(l.gradTimesActivation()));
        scores.put("Internal influence", AttributionResult.Layer.perFilter(l.internalInfluence()));
        scores.put("Activation", AttributionResult.Layer.perFilter(l.activation()));
        int n = images.size(0), c = scores.get("Conductance").size(1);
        List<RemovalResult> removals = new ArrayList<>();
        try (Progress bar = Progress.start("ablation " + cfg.layer(), 2L * METHODS.size() * n, "runs")) {
            for (Removal removal : Removal.values()) {
                Ablation ablation = new Ablation(model, cfg.layer());
                if (cfg.maxRows() != null) ablation.maxRows(cfg.maxRows());
                if (removal == Removal.BASELINE) ablation.zeroBaseline(images);
                removals.add(compare(ablation, removal, images, cls, attr.f(), scores, cfg, bar));
            }
        }
        double[][] cond = new double[n][];
        for (int i = 0; i < n; i++) cond[i] = row(scores.get("Conductance"), i);
        return new Result(cfg, c, cls, cond, median(attr.relativeDelta(cfg.layer())), removals);
    }

    /**
     * Every method against one way of removing filters: single-filter drops {@code f[i] − F(x_i
     * without u)}, their Spearman correlation with each method's scores, and the first k at which
     * removing the method's top k filters (highest score first) changes the prediction (−1 when
     * none up to {@code maxK} does). The random order is the same seeded permutations for every removal.
     */
    static RemovalResult compare(Ablation ablation, Removal removal, Tensor images, int[] cls, float[] f, Map<String, Tensor> scores,
                                 Config cfg, Progress bar) {
        int n = images.size(0), c = scores.get("Conductance").size(1);
        float[][] single = ablation.singleUnitScores(images, cls);          // [filter][example]
        double[][] drops = new double[n][c];
        for (int u = 0; u < c; u++) for (int i = 0; i < n; i++) drops[i][u] = f[i] - single[u][i];
        Map<String, double[]> rho = new LinkedHashMap<>();
        Map<String, int[]> flips = new LinkedHashMap<>();
        Rng rng = new Rng(cfg.seed());
        int maxK = Math.min(cfg.maxK(), c);
        for (String m : METHODS) {
            double[] r = new double[n];
            int[] k = new int[n];
            for (int i = 0; i < n; i++) {
                double[] s = m.equals("Random") ? null : row(scores.get(m), i);
                r[i] = s == null ? Double.NaN : Ranking.spearman(s, drops[i]);
                int[] order = s == null ? rng.permutation(c) : Ranking.argsortDescending(s);
                k[i] = flipK(ablation.cumulativePredictions(images.rows(i, i + 1), Arrays.copyOf(order, maxK)), cls[i]);
                if (bar != null) bar.step(1);
            }
            rho.put(m, r);
            flips.put(m, k);
        }
        List<MethodSummary> summary = new ArrayList<>();
        for (String m : METHODS) {
            int[] k = flips.get(m);
            int flipped = 0;
            double[] ks = new double[k.length];
            for (int i = 0; i < k.length; i++) {
                if (k[i] > 0) flipped++;
                ks[i] = k[i] > 0 ? k[i] : maxK + 1;    // not flipped within maxK counts as maxK + 1
            }
            double[] r = rho.get(m);
            summary.add(new MethodSummary(m, mean(r), median(r), median(ks), flipped, n));
        }
        return new RemovalResult(removal, drops, rho, flips, summary);
    }

    /** The first k ≥ 1 whose prediction (row k of {@code pred}, one example) differs from {@code cls}; −1 when none. */
    static int flipK(int[][] pred, int cls) {
        for (int k = 1; k < pred.length; k++) if (pred[k][0] != cls) return k;
        return -1;
    }

    /** Writes the HTML report (tables, bar charts) and CSV; returns the page. */
    public static Path report(Result r, Path dir, String modelDescription) {
        Report rep = new Report("Ablation vs attribution: " + r.config().layer(), dir);
        rep.paragraph("Model: " + modelDescription + ". Layer " + r.config().layer() + " (" + r.filters() + " filters), "
                + r.predicted().length + " held-out images, predicted class as target, " + r.config().steps()
                + " Gauss-Legendre steps with exact dy/dα (JVP). Median relative conservation delta at the layer: "
                + String.format(Locale.ROOT, "%.2e", r.medianRelativeDelta()) + ".");
        rep.paragraph("A filter is removed in two ways: zeroed (the paper's ablation), or patched to its value at the baseline input (the "
                + "all-zero image), which is the change in the filter that conductance integrates along the path. Spearman: rank correlation "
                + "between a method's filter scores and the drop in the target logit when that filter alone is removed (per image, then averaged). "
                + "Flip k: how many top-ranked filters must be removed together before the prediction changes (median; images that do not flip within "
                + r.config().maxK() + " count as " + (r.config().maxK() + 1) + ").");
        List<List<Object>> rows = new ArrayList<>();
        for (RemovalResult rr : r.removals()) {
            List<String> names = new ArrayList<>();
            double[] meanRho = new double[rr.summary().size()], medK = new double[rr.summary().size()];
            int j = 0;
            for (MethodSummary s : rr.summary()) {
                rows.add(List.of(rr.removal().description, s.method(), MethodSummary.cell(s.meanSpearman()), MethodSummary.cell(s.medianSpearman()),
                        s.medianFlipK(), s.flipped() + "/" + s.examples()));
                names.add(s.method());
                meanRho[j] = Double.isNaN(s.meanSpearman()) ? 0 : s.meanSpearman();
                medK[j++] = s.medianFlipK();
            }
            String how = rr.removal().description;
            rep.figure("Mean Spearman correlation with single-filter drops, filters " + how,
                    Report.bars("Rank correlation with ablation (" + how + ")", "method", "Spearman", names, List.of("mean"), List.of(meanRho)));
            rep.figure("Median number of top filters removed before the prediction flips, filters " + how,
                    Report.bars("Filters removed to flip (" + how + ")", "method", "k", names, List.of("median k"), List.of(medK)));
        }
        rep.table("Methods against single-filter removal", "methods",
                List.of("filters", "method", "mean Spearman", "median Spearman", "median flip k", "flipped"), rows);
        for (RemovalResult rr : r.removals()) {
            rep.paragraph(describe(rr.summary(), r.config().maxK(), rr.removal() == Removal.ZERO ? "Zeroing" : "Patching to the baseline's value"));
        }
        List<List<Object>> per = new ArrayList<>();
        List<String> header = new ArrayList<>(List.of("example", "predicted"));
        for (RemovalResult rr : r.removals()) {
            String tag = rr.removal() == Removal.ZERO ? "zero" : "baseline";
            for (String m : METHODS) header.add("spearman " + m + " (" + tag + ")");
            for (String m : METHODS) header.add("flip k " + m + " (" + tag + ")");
        }
        for (int i = 0; i < r.predicted().length; i++) {
            List<Object> row = new ArrayList<>();
            row.add(i);
            row.add(r.predicted()[i]);
            for (RemovalResult rr : r.removals()) {
                for (String m : METHODS) row.add(Report.valueOr(rr.spearman().get(m)[i], "n/a")); // a random order has no scores to correlate
                for (String m : METHODS) {
                    int k = rr.flipK().get(m)[i];
                    row.add(k < 0 ? "none" : k); // no flip within maxK filters
                }
            }
            per.add(row);
        }
        rep.table("Per image (flip k: none when the prediction does not change within " + r.config().maxK() + " filters)", "per_image", header, per);
        return rep.write();
    }

    /**
     * The table's findings in words, written from the numbers: how many predictions each ranking
     * flips and after how many filters, which method needs the fewest, which correlates best with
     * single-filter drops, and how a random order compares.
     */
    public static String describe(List<MethodSummary> summary, int maxK) {
        return describe(summary, maxK, "Zeroing");
    }

    /** As {@link #describe(List, int)}, for a removal named by {@code removing} ("Zeroing", "Patching to the baseline's value"). */
    public static String describe(List<MethodSummary> summary, int maxK, String removing) {
        StringBuilder sb = new StringBuilder();
        MethodSummary random = null, fewest = null, best = null;
        List<String> parts = new ArrayList<>();
        for (MethodSummary s : summary) {
            if (s.method().equals("Random")) {
                random = s;
                continue;
            }
            // The median counts an input that never flips as maxK + 1: it is a number of filters only when most inputs flip.
            parts.add(String.format(Locale.ROOT, "%s %d of %d%s", s.method().toLowerCase(Locale.ROOT), s.flipped(), s.examples(),
                    2 * s.flipped() > s.examples() ? String.format(Locale.ROOT, " (median %s filter%s)", num(s.medianFlipK()), s.medianFlipK() == 1 ? "" : "s") : ""));
            if (fewest == null || s.flipped() > fewest.flipped() || (s.flipped() == fewest.flipped() && s.medianFlipK() < fewest.medianFlipK())) fewest = s;
            if (!Double.isNaN(s.meanSpearman()) && (best == null || s.meanSpearman() > best.meanSpearman())) best = s;
        }
        sb.append(removing).append(" the top-ranked filters (at most ").append(maxK).append(") changes the prediction for: ").append(String.join("; ", parts));
        if (random != null) {
            sb.append(String.format(Locale.ROOT, "; a random order %d of %d", random.flipped(), random.examples()));
        }
        sb.append(". ");
        if (fewest != null && fewest.flipped() > 0) {
            sb.append(fewest.method()).append(" flips the most predictions with the fewest filters");
            if (random != null) {
                sb.append(random.flipped() >= fewest.flipped() ? ", but no better than a random order" : ", well ahead of a random order");
            }
            sb.append(". ");
        } else {
            sb.append("No ranking flips a prediction within ").append(maxK).append(" filters. ");
        }
        if (best != null) {
            sb.append(String.format(Locale.ROOT, "%s's scores agree best with the single-filter drops (mean Spearman %.2f).", best.method(), best.meanSpearman()));
        }
        return sb.toString();
    }

    private static String num(double v) {
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }

    static double[] row(Tensor t, int i) {
        int c = t.size(1);
        double[] r = new double[c];
        for (int j = 0; j < c; j++) r[j] = t.data()[i * c + j];
        return r;
    }

    static double mean(double[] v) {
        double s = 0;
        int n = 0;
        for (double x : v) if (!Double.isNaN(x)) { s += x; n++; }
        return n == 0 ? Double.NaN : s / n;
    }

    static double median(double[] v) {
        double[] s = Arrays.stream(v).filter(x -> !Double.isNaN(x)).sorted().toArray();
        if (s.length == 0) return Double.NaN;
        return s.length % 2 == 1 ? s[s.length / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
    }
}
