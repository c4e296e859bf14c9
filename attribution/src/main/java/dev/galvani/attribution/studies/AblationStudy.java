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
 * Experiment 1 of "How Important Is a Neuron?" (docs/methods.md §1.10): rank a layer's filters by each
 * method for an input's predicted class, zero them one at a time and cumulatively (top-k first),
 * and compare. Reports each method's Spearman correlation with the single-filter ablation drops and
 * how many top filters must go before the prediction flips, against a seeded random order.
 */
public final class AblationStudy {
    private AblationStudy() {}

    public static final List<String> METHODS = List.of("Conductance", "Gradient*Activation", "Internal influence", "Activation", "Random");

    public record Config(String layer, int steps, int maxK, int maxRows, long seed) {}

    /** Per method: correlation with ablation drops and flip counts, over the examples. */
    public record MethodSummary(String method, double meanSpearman, double medianSpearman,
                                double medianFlipK, int flipped, int examples) {
        /** A Spearman figure for tables: "n/a" for the random order, which ranks nothing. */
        public static Object cell(double rho) {
            return Double.isNaN(rho) ? "n/a" : rho;
        }
    }

    public record Result(Config config, int filters, int[] predicted, Map<String, double[]> spearman,
                         Map<String, int[]> flipK, double[][] singleDrops, double[][] conductance,
                         double medianRelativeDelta, List<MethodSummary> summary) {}

    public static Result run(Module model, Tensor images, Config cfg) {
        int n = images.size(0);
        AttributionResult attr = new LayerConductance(model).layers(cfg.layer()).integratedGradients(false).steps(cfg.steps())
                .method(Quadrature.GAUSS_LEGENDRE).discretisation(Discretisation.JVP).maxRows(cfg.maxRows()).attribute(images);
        AttributionResult.Layer l = attr.layer(cfg.layer());
        int[] cls = attr.classes();
        Map<String, Tensor> scores = new LinkedHashMap<>();
        scores.put("Conductance", l.filterConductance());
        scores.put("Gradient*Activation", AttributionResult.Layer.perFilter(l.gradTimesActivation()));
        scores.put("Internal influence", AttributionResult.Layer.perFilter(l.internalInfluence()));
        scores.put("Activation", AttributionResult.Layer.perFilter(l.activation()));
        int c = scores.get("Conductance").size(1);

        Ablation ablation = new Ablation(model, cfg.layer()).maxRows(cfg.maxRows());
        float[][] single = ablation.singleUnitScores(images, cls);          // [filter][example]
        double[][] drops = new double[n][c];
        for (int u = 0; u < c; u++) for (int i = 0; i < n; i++) drops[i][u] = attr.f()[i] - single[u][i];

        Map<String, double[]> rho = new LinkedHashMap<>();
        Map<String, int[]> flips = new LinkedHashMap<>();
        Rng rng = new Rng(cfg.seed());
        int maxK = Math.min(cfg.maxK(), c);
        try (Progress bar = Progress.start("ablation " + cfg.layer(), (long) METHODS.size() * n, "runs")) {
            for (String m : METHODS) {
                double[] r = new double[n];
                int[] k = new int[n];
                for (int i = 0; i < n; i++) {
                    double[] s = m.equals("Random") ? null : row(scores.get(m), i);
                    r[i] = s == null ? Double.NaN : Ranking.spearman(s, drops[i]);
                    int[] order = s == null ? rng.permutation(c) : Ranking.argsortDescending(s);
                    Tensor xi = images.rows(i, i + 1);
                    int[][] pred = ablation.cumulativePredictions(xi, Arrays.copyOf(order, maxK));
                    k[i] = -1;
                    for (int kk = 1; kk < pred.length; kk++) {
                        if (pred[kk][0] != cls[i]) {
                            k[i] = kk;
                            break;
                        }
                    }
                    bar.step(1);
                }
                rho.put(m, r);
                flips.put(m, k);
            }
        }
        List<MethodSummary> summary = new ArrayList<>();
        for (String m : METHODS) {
            int[] k = flips.get(m);
            int flipped = 0;
            List<Double> ks = new ArrayList<>();
            for (int v : k) {
                if (v > 0) flipped++;
                ks.add(v > 0 ? v : (double) (maxK + 1));    // not flipped within maxK counts as maxK + 1
            }
            double[] r = rho.get(m);
            summary.add(new MethodSummary(m, mean(r), median(r), median(ks.stream().mapToDouble(Double::doubleValue).toArray()), flipped, n));
        }
        double[][] cond = new double[n][];
        for (int i = 0; i < n; i++) cond[i] = row(scores.get("Conductance"), i);
        return new Result(cfg, c, cls, rho, flips, drops, cond, median(attr.relativeDelta(cfg.layer())), summary);
    }

    /** Writes the HTML report (table, bar charts) and CSV; returns the page. */
    public static Path report(Result r, Path dir, String modelDescription) {
        Report rep = new Report("Ablation vs attribution: " + r.config().layer(), dir);
        rep.paragraph("Model: " + modelDescription + ". Layer " + r.config().layer() + " (" + r.filters() + " filters), "
                + r.predicted().length + " held-out images, predicted class as target, " + r.config().steps()
                + " Gauss-Legendre steps with exact dy/dα (JVP). Median relative conservation delta at the layer: "
                + String.format(Locale.ROOT, "%.2e", r.medianRelativeDelta()) + ".");
        rep.paragraph("Spearman: rank correlation between a method's filter scores and the drop in the target logit when that filter"
                + " alone is zeroed (per image, then averaged). Flip k: how many top-ranked filters must be zeroed together before the"
                + " prediction changes (median; images that do not flip within " + r.config().maxK() + " count as " + (r.config().maxK() + 1) + ").");
        List<List<Object>> rows = new ArrayList<>();
        List<String> names = new ArrayList<>();
        double[] meanRho = new double[r.summary().size()], medK = new double[r.summary().size()];
        int j = 0;
        for (MethodSummary s : r.summary()) {
            rows.add(List.of(s.method(), MethodSummary.cell(s.meanSpearman()), MethodSummary.cell(s.medianSpearman()), s.medianFlipK(), s.flipped() + "/" + s.examples()));
            names.add(s.method());
            meanRho[j] = Double.isNaN(s.meanSpearman()) ? 0 : s.meanSpearman();
            medK[j++] = s.medianFlipK();
        }
        rep.table("Methods against single-filter ablation", "methods", List.of("method", "mean Spearman", "median Spearman", "median flip k", "flipped"), rows);
        rep.paragraph(describe(r.summary(), r.config().maxK()));
        rep.figure("Mean Spearman correlation with single-filter ablation drops", Report.bars("Rank correlation with ablation", "method", "Spearman", names, List.of("mean"), List.of(meanRho)));
        rep.figure("Median number of top filters to zero before the prediction flips", Report.bars("Filters removed to flip", "method", "k", names, List.of("median k"), List.of(medK)));
        List<List<Object>> per = new ArrayList<>();
        for (int i = 0; i < r.predicted().length; i++) {
            List<Object> row = new ArrayList<>();
            row.add(i);
            row.add(r.predicted()[i]);
            for (String m : METHODS) row.add(r.spearman().get(m)[i]);
            for (String m : METHODS) row.add(r.flipK().get(m)[i]);
            per.add(row);
        }
        List<String> header = new ArrayList<>(List.of("example", "predicted"));
        for (String m : METHODS) header.add("spearman " + m);
        for (String m : METHODS) header.add("flip k " + m);
        rep.table("Per image", "per_image", header, per);
        return rep.write();
    }

    /**
     * The table's findings in words, written from the numbers: how many predictions each ranking
     * flips and after how many filters, which method needs the fewest, which correlates best with
     * single-filter drops, and how a random order compares.
     */
    public static String describe(List<MethodSummary> summary, int maxK) {
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
        sb.append("Zeroing the top-ranked filters (at most ").append(maxK).append(") changes the prediction for: ").append(String.join("; ", parts));
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
