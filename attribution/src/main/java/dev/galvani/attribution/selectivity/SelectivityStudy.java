package dev.galvani.attribution.selectivity;

import dev.galvani.attribution.activations.LayerActivations;
import dev.galvani.attribution.linear.LogisticRegression;
import dev.galvani.attribution.report.Report;
import dev.galvani.attribution.stats.LinearRegression;
import dev.galvani.attribution.stats.Ranking;
import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Rng;
import dev.galvani.engine.nn.Module;
import dev.galvani.models.SavedModel;
import dev.galvani.models.data.ImageDataset;
import dev.galvani.models.data.Splits;
import dev.galvani.models.progress.Progress;
import dev.galvani.models.train.Dataset;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Selectivity, probes and group ablation (Hayne et al., 2022; docs/methods.md §2) for one layer: the class selectivity
 * index and mean activity of every unit, a linear probe, ablation of units binned on a quantile
 * grid over (SI, A) with each group's overall and preferred-class accuracy deficit, ablation of the
 * k most selective / active / probe-weighted / random units, and the regressions of the deficits
 * across the grid's groups that isolate the SI:A term ({@link DeficitRegressions}).
 */
public final class SelectivityStudy {
    private SelectivityStudy() {}

    /** An early and a late post-activation layer per model: the study's default layers. */
    public static final Map<String, List<String>> DEFAULT_LAYERS = Map.of(
            "alexnet", List.of("relu2", "relu6"), "vgg", List.of("relu2_2", "relu_fc1"),
            "mobilenetv2", List.of("blocks.2.expand", "head"), "resnet", List.of("layer1.1", "layer3.1"),
            "inception", List.of("inception3a", "inception4a"));

    /** {@code evalExamples} test images (all of them when at least the test set's size) are used for every accuracy. */
    public record Config(int grid, int statsExamples, int evalExamples, int singleUnits, int randomRepeats,
                         LogisticRegression.Penalty probePenalty, double probeLambda, boolean shiftNegative, long seed) implements java.io.Serializable {
        /** The study's defaults: a 5 x 5 grid, statistics and probes on 10,000 training images, every accuracy on all (up to 10,000) test images, 48 single units, 3 random repeats, an L2 probe. */
        public static final int GRID = 5, STATS_EXAMPLES = 10000, EVAL_EXAMPLES = 10000, SINGLE_UNITS = 48, RANDOM_REPEATS = 3;
        public static final String MODELS = "alexnet,vgg,mobilenetv2,resnet", PROBE = "l2";

        public Config {
            if (grid < 3) throw new GalvaniException("--grid must be at least 3 (the regressions need at least 5 groups), got " + grid);
            if (evalExamples < 1 || statsExamples < 1) throw new GalvaniException("--eval-examples and --stats-examples must be at least 1");
            if (!(probeLambda >= 0) || Double.isInfinite(probeLambda)) throw new GalvaniException("--probe-lambda must be a non-negative number, got " + probeLambda);
        }

        /** The probe's default penalty weight: λ on the mean cross-entropy (L1) or (λ/2)|W|² (L2). */
        public static double defaultLambda(LogisticRegression.Penalty p) {
            return p == LogisticRegression.Penalty.L1 ? 1e-3 : 1e-4;
        }
    }

    /**
     * Each model's layers: those of the {@code MODEL:LAYER} pairs naming it, or when no pairs are
     * given, its {@link #DEFAULT_LAYERS}; a model left with none is refused.
     */
    public static Map<String, List<String>> layers(List<String> modelLayerPairs, List<String> models) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String model : models) {
            List<String> ls = new ArrayList<>();
            if (modelLayerPairs != null) {
                for (String p : modelLayerPairs) if (p.startsWith(model + ":")) ls.add(p.substring(model.length() + 1));
            } else {
                ls.addAll(DEFAULT_LAYERS.getOrDefault(model, List.of()));
            }
            if (ls.isEmpty()) throw new GalvaniException("no layers for model '" + model + "'; give --layer " + model + ":LAYER");
            out.put(model, ls);
        }
        return out;
    }

    /** The comparison's page, and a line per layer for a terminal. */
    public record Comparison(Path page, String text) {}

    /**
     * {@link #compare(Map, Map, ImageDataset, ImageDataset, Config, Path)} on checkpoints by model
     * name; they must read the same images the same way ({@link dev.galvani.models.data.DataSpec#requireSameInputs}).
     */
    public static Comparison compare(Map<String, SavedModel> checkpoints, Map<String, List<String>> layers, String dataDir, Config cfg, Path out) {
        if (checkpoints.isEmpty()) throw new GalvaniException("no models to compare");
        String firstName = checkpoints.keySet().iterator().next();
        SavedModel first = checkpoints.get(firstName);
        Map<String, Module> models = new LinkedHashMap<>();
        for (Map.Entry<String, SavedModel> c : checkpoints.entrySet()) {
            first.data().requireSameInputs(c.getValue().data(), "the " + firstName + " checkpoint", "the " + c.getKey() + " checkpoint");
            models.put(c.getKey(), c.getValue().model());
        }
        Splits.Split<ImageDataset> data = Splits.images(first.data(), dataDir);
        return compare(models, layers, data.train(), data.heldOut(), cfg, out);
    }

    /**
     * The study across network families: every layer of every model on the same images, each
     * layer's section of the page, and summary tables of which term carries the overall and the
     * preferred-class deficit (F-tests of nested models), with the mean deficits and the probes.
     */
    public static Comparison compare(Map<String, Module> models, Map<String, List<String>> layers, ImageDataset train, ImageDataset test, Config cfg, Path out) {
        Report rep = new Report("Selectivity, probes and group ablation", out);
        rep.paragraph("Data: " + train.name() + " (statistics and probes on " + Math.min(cfg.statsExamples(), train.size())
                + " training images, every accuracy on " + Math.min(cfg.evalExamples(), test.size()) + " test images). Units: channels averaged over "
                + "positions after the non-linearity, or dense neurons. Groups: a " + cfg.grid() + "x" + cfg.grid() + " grid of quantile bins over (SI, A). "
                + "Regressions across groups with standardised predictors; a term carries the effect when the F-test of the model without it "
                + "against the model with it gives p < 0.05 (SI given A, A given SI, SI:A given SI + A).");
        List<List<Object>> summary = new ArrayList<>(), prefSummary = new ArrayList<>(), probes = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (Map.Entry<String, Module> m : models.entrySet()) {
            String model = m.getKey();
            for (String l : layers.get(model)) {
                LayerResult r = run(m.getValue(), train, test, l, cfg);
                addToReport(rep, model, r);
                summary.add(summaryRow(model, l, r.units(), r.baseline(), r.overall()));
                prefSummary.add(summaryRow(model, l, r.units(), r.baseline(), r.preferredClass()));
                double meanPref = r.groups().stream().mapToDouble(Group::preferredDeficit).average().orElse(Double.NaN);
                double meanAll = r.groups().stream().mapToDouble(Group::deficit).average().orElse(Double.NaN);
                probes.add(List.of(model, l, r.units(), meanAll, meanPref, r.probeAccuracy(), r.probeUnitsUsed(), r.probeVsAblationSpearman(),
                        r.probeVsAblationJaccard(), r.probeSolver()));
                DeficitRegressions d = r.overall();
                double[] c = d.interactionCoefficient();
                text.append(String.format(Locale.ROOT, "%-12s %-16s R² SI %.3f, A %.3f, SI+A %.3f, SI+A+SI:A %.3f; SI:A %.4f [%.4f, %.4f], F-test p %.3g; "
                                + "carried by %s; preferred-class deficit carried by %s; probe acc %.3f%n",
                        model, l, d.siOnly().r2(), d.aOnly().r2(), d.additive().r2(), d.full().r2(), c[0], c[1], c[2], d.interaction().p(),
                        d.carriers(), r.preferredClass().carriers(), r.probeAccuracy()));
            }
        }
        List<String> head = List.of("model", "layer", "units", "baseline acc", "R² SI", "R² A", "R² SI+A", "R² SI+A+SI:A",
                "SI:A coefficient [95% CI]", "F (SI:A)", "p (SI:A)", "p (SI | A)", "p (A | SI)", "carried by");
        rep.table("Summary, overall deficit: which term carries the effect (F-tests of nested models)", "summary", head, summary);
        rep.table("Summary, preferred-class deficit", "summary_preferred", head, prefSummary);
        rep.table("Mean deficits over the grid's groups and the probes", "probes", List.of("model", "layer", "units", "mean overall deficit",
                "mean preferred-class deficit", "probe acc", "units with weight", "probe vs ablation Spearman", "top-10% Jaccard", "probe solver"), probes);
        return new Comparison(rep.write(), text.toString());
    }

    /** A summary table's row: R² of each model, the SI:A coefficient with its 95% interval, the F-tests and the carrying terms. */
    static List<Object> summaryRow(String model, String layer, int units, double baseline, DeficitRegressions d) {
        double[] c = d.interactionCoefficient();
        return List.of(model, layer, units, baseline, d.siOnly().r2(), d.aOnly().r2(), d.additive().r2(), d.full().r2(),
                String.format(Locale.ROOT, "%.4f [%.4f, %.4f]", c[0], c[1], c[2]), d.interaction().f(), d.interaction().p(),
                d.siGivenA().p(), d.aGivenSi().p(), d.carriers());
    }

    /**
     * A group of units zeroed together: its bins, mean SI and A, the drop in accuracy over all
     * evaluation images, and the drop on the images of its units' preferred classes.
     */
    public record Group(int siBin, int aBin, int[] units, double meanSI, double meanA, double deficit, double preferredDeficit) {}

    public record LayerResult(String layer, int units, double[] si, double[] activity, int[] preferred, double baseline, int evalImages,
                              double[] singleDeficit, List<Group> groups, DeficitRegressions overall, DeficitRegressions preferredClass,
                              double probeAccuracy, String probeSolver, int probeUnitsUsed, double[] probeImportance,
                              double probeVsAblationSpearman, double probeVsAblationJaccard, int[] ks, Map<String, double[]> kDeficits) {}

    /**
     * What the group ablation of one layer needs: every unit's selectivity index, mean activity and
     * preferred class, its quantile bin on each axis, the evaluation images (all of the test split,
     * or a seeded sample of it) and the predictions on them with nothing ablated, per class.
     */
    public record Grid(String layer, int grid, int units, int classes, double[] si, double[] activity, int[] preferred,
                       int[] siBin, int[] aBin, int[] evalIndices, ClassAccuracy base) implements java.io.Serializable {

        /** Accuracy on the evaluation images with nothing ablated. */
        public double baseline() {
            return base.overall();
        }

        /** The units in bin {@code (siBin, aBin)}, ascending. */
        public int[] members(int siBin, int aBin) {
            List<Integer> m = new ArrayList<>();
            for (int u = 0; u < units; u++) if (this.siBin[u] == siBin && this.aBin[u] == aBin) m.add(u);
            return m.stream().mapToInt(Integer::intValue).toArray();
        }
    }

    /** The grid of one layer: unit statistics on {@code train}, evaluation images from {@code test} (a sample drawn with the config's seed). */
    public static Grid grid(Module model, Dataset train, Dataset test, String layer, Config cfg) {
        return grid(model, train, test, layer, cfg, new Rng(cfg.seed()));
    }

    private static Grid grid(Module model, Dataset train, Dataset test, String layer, Config cfg, Rng rng) {
        model.module(layer);
        UnitStatistics stats = UnitStatistics.of(model, train, layer, cfg.statsExamples());
        int units = stats.units();
        if (cfg.grid() * cfg.grid() > units) {
            throw new GalvaniException("a " + cfg.grid() + "x" + cfg.grid() + " grid has more bins than the " + units + " units of '" + layer + "'");
        }
        double[] si = stats.selectivity(layer, cfg.shiftNegative()), act = stats.meanActivity();
        int[] evalIdx = cfg.evalExamples() >= test.size() ? Dataset.range(0, test.size()) : Arrays.copyOf(rng.permutation(test.size()), cfg.evalExamples());
        ClassAccuracy base = ClassAccuracy.measure(model, layer, test.batch(evalIdx), new int[0], test.classes());
        return new Grid(layer, cfg.grid(), units, test.classes(), si, act, stats.preferredClass(),
                quantileBins(si, cfg.grid()), quantileBins(act, cfg.grid()), evalIdx, base);
    }

    /**
     * Ablates bin {@code (i, j)} of the grid together: the accuracy drop on the evaluation images
     * {@code eval} (the grid's {@link Grid#evalIndices()}), and on those whose class some member
     * prefers, both from one pass. Null when the bin is empty.
     */
    public static Group group(Module model, Dataset.Batch eval, Grid g, int i, int j) {
        int[] m = g.members(i, j);
        if (m.length == 0) return null;
        boolean[] prefSet = new boolean[g.classes()];
        for (int u : m) prefSet[g.preferred()[u]] = true;
        ClassAccuracy ab = ClassAccuracy.measure(model, g.layer(), eval, m, g.classes());
        return new Group(i, j, m, mean(g.si(), m), mean(g.activity(), m), g.base().overall() - ab.overall(),
                g.base().on(prefSet) - ab.on(prefSet));
    }

    /** The overall deficit's regressions across a layer's groups (standardised predictors): SI + A + SI·A, SI alone, A alone. */
    public static LinearRegression.Fit[] regressions(List<Group> groups) {
        DeficitRegressions d = DeficitRegressions.fit(groups, Group::deficit);
        return new LinearRegression.Fit[] {d.full(), d.siOnly(), d.aOnly()};
    }

    public static LayerResult run(Module model, Dataset train, Dataset test, String layer, Config cfg) {
        Rng rng = new Rng(cfg.seed());
        Grid grid = grid(model, train, test, layer, cfg, rng);
        int units = grid.units();
        double[] si = grid.si(), act = grid.activity();
        int[] pref = grid.preferred(), evalIdx = grid.evalIndices();
        Dataset.Batch eval = test.batch(evalIdx);
        ClassAccuracy base = grid.base();

        // Linear probe on standardised unit activations (train: stats subset; test: eval images).
        int probeN = Math.min(cfg.statsExamples(), train.size());
        float[] ptr = LayerActivations.collect(model, train, Dataset.range(0, probeN), layer, LayerActivations.Pooling.MEAN);
        int[] ytr = Arrays.copyOf(train.labels(), probeN);
        float[] pte = LayerActivations.collect(model, test, evalIdx, layer, LayerActivations.Pooling.MEAN);
        LogisticRegression probe = LogisticRegression.fit(ptr, ytr, units, train.classes(),
                LogisticRegression.Options.defaults().withPenalty(cfg.probePenalty(), cfg.probeLambda()).withEpochs(20).withSeed(cfg.seed()));
        double probeAcc = probe.accuracy(pte, eval.y());
        double[] imp = probe.importance();
        int used = 0;
        for (double v : imp) if (v != 0) used++;

        int steps = cfg.grid() * cfg.grid() + cfg.singleUnits() + 16 + 4 * cfg.randomRepeats();
        double[] single = new double[units];
        Arrays.fill(single, Double.NaN);
        List<Group> groups = new ArrayList<>();
        int[] ks = kValues(units);
        Map<String, double[]> kDef = new LinkedHashMap<>();
        try (Progress bar = Progress.start("selectivity " + layer, steps, "ablations")) {
            // Single-unit deficits for a seeded sample of units (all when few).
            int[] sample = Arrays.copyOf(rng.permutation(units), Math.min(units, cfg.singleUnits()));
            for (int u : sample) {
                single[u] = base.overall() - ClassAccuracy.measure(model, layer, eval, new int[] {u}, test.classes()).overall();
                bar.step(1);
            }
            // Group ablation on the quantile grid: one pass gives both deficits.
            for (int i = 0; i < cfg.grid(); i++) {
                for (int j = 0; j < cfg.grid(); j++) {
                    Group gr = group(model, eval, grid, i, j);
                    if (gr != null) groups.add(gr);
                    bar.step(1);
                }
            }
            // Top-k by selectivity, activity, probe weight; random (seeded repeats).
            Map<String, double[]> rank = new LinkedHashMap<>();
            rank.put("most selective", si);
            rank.put("most active", act);
            rank.put("highest probe weight", imp);
            for (Map.Entry<String, double[]> e : rank.entrySet()) {
                int[] order = Ranking.argsortDescending(e.getValue());
                double[] d = new double[ks.length];
                for (int k = 0; k < ks.length; k++) {
                    d[k] = base.overall() - ClassAccuracy.measure(model, layer, eval, Arrays.copyOf(order, ks[k]), test.classes()).overall();
                    bar.step(1);
                }
                kDef.put(e.getKey(), d);
            }
            double[] rnd = new double[ks.length];
            for (int rep = 0; rep < cfg.randomRepeats(); rep++) {
                int[] order = rng.permutation(units);
                for (int k = 0; k < ks.length; k++) {
                    rnd[k] += (base.overall() - ClassAccuracy.measure(model, layer, eval, Arrays.copyOf(order, ks[k]), test.classes()).overall())
                            / cfg.randomRepeats();
                    bar.step(1);
                }
            }
            kDef.put("random (mean of " + cfg.randomRepeats() + ")", rnd);
        }
        DeficitRegressions overall = DeficitRegressions.fit(groups, Group::deficit);
        DeficitRegressions prefReg = DeficitRegressions.fit(groups, Group::preferredDeficit);
        // Probe importance against single-unit ablation deficits, on the units measured.
        List<Integer> measured = new ArrayList<>();
        for (int u = 0; u < units; u++) if (!Double.isNaN(single[u])) measured.add(u);
        double[] pi = new double[measured.size()], sd = new double[measured.size()];
        for (int i = 0; i < pi.length; i++) {
            pi[i] = imp[measured.get(i)];
            sd[i] = single[measured.get(i)];
        }
        double rho = Ranking.spearman(pi, sd);
        double jac = Ranking.topKJaccard(pi, sd, Math.max(1, pi.length / 10));
        return new LayerResult(layer, units, si, act, pref, base.overall(), evalIdx.length, single, groups, overall, prefReg,
                probeAcc, probe.solver(), used, imp, rho, jac, ks, kDef);
    }

    static int[] kValues(int units) {
        int[] ks = {Math.max(1, units / 20), Math.max(1, units / 10), Math.max(1, units / 4), Math.max(1, units / 2)};
        return ks;
    }

    /** Quantile bin of each value in {@code 0..bins-1} (ties by index, so bins are as equal as possible). */
    static int[] quantileBins(double[] v, int bins) {
        int[] order = Ranking.argsortDescending(v);
        int[] bin = new int[v.length];
        for (int r = 0; r < v.length; r++) bin[order[v.length - 1 - r]] = (int) ((long) r * bins / v.length);
        return bin;
    }

    static double mean(double[] v, int[] idx) {
        double s = 0;
        for (int i : idx) s += v[i];
        return s / idx.length;
    }

    /** Adds one model-and-layer section to a report. */
    public static void addToReport(Report rep, String model, LayerResult r) {
        String slug = model + "_" + r.layer().replace('.', '_');
        rep.heading(model + " / " + r.layer() + " (" + r.units() + " units)");
        rep.paragraph(String.format(Locale.ROOT, "Baseline accuracy %.4f on %d test images. Linear probe on standardised unit activations (%s): "
                        + "held-out accuracy %.4f, %d of %d units with a non-zero weight. Probe importance vs single-unit ablation deficit: "
                        + "Spearman %.3f, top-10%% Jaccard %.3f.", r.baseline(), r.evalImages(), r.probeSolver(), r.probeAccuracy(),
                r.probeUnitsUsed(), r.units(), r.probeVsAblationSpearman(), r.probeVsAblationJaccard()));
        for (String outcome : List.of("overall", "preferred-class")) {
            DeficitRegressions d = outcome.equals("overall") ? r.overall() : r.preferredClass();
            double[] c = d.interactionCoefficient();
            rep.paragraph(String.format(Locale.ROOT, "%s deficit: carried by %s (F-tests at p < %.2f). SI:A coefficient %.4f, 95%% CI [%.4f, %.4f], "
                            + "F-test of ~ SI + A against ~ SI + A + SI:A: F = %.3f on (%d, %d), p = %.3g. R²: ~ SI %.3f, ~ A %.3f, ~ SI + A %.3f, full %.3f.",
                    outcome.equals("overall") ? "Overall" : "Preferred-class", d.carriers(), DeficitRegressions.ALPHA, c[0], c[1], c[2],
                    d.interaction().f(), d.interaction().df1(), d.interaction().df2(), d.interaction().p(),
                    d.siOnly().r2(), d.aOnly().r2(), d.additive().r2(), d.full().r2()));
        }
        // Scatter of units in (SI, A), coloured by single-unit deficit tercile.
        List<double[]> xs = new ArrayList<>(), ys = new ArrayList<>();
        List<String> names = new ArrayList<>();
        double[] d = r.singleDeficit().clone();
        double[] finite = Arrays.stream(d).filter(v -> !Double.isNaN(v)).sorted().toArray();
        double lo = finite.length == 0 ? 0 : finite[finite.length / 3], hi = finite.length == 0 ? 0 : finite[2 * finite.length / 3];
        String[] labels = {"not ablated singly", "deficit ≤ " + fmt(lo), "deficit in (" + fmt(lo) + ", " + fmt(hi) + "]", "deficit > " + fmt(hi)};
        for (int t = 0; t < 4; t++) {
            List<Double> x = new ArrayList<>(), y = new ArrayList<>();
            for (int u = 0; u < r.units(); u++) {
                int tier = Double.isNaN(d[u]) ? 0 : d[u] <= lo ? 1 : d[u] <= hi ? 2 : 3;
                if (tier == t) {
                    x.add(r.si()[u]);
                    y.add(r.activity()[u]);
                }
            }
            if (x.isEmpty()) continue;
            names.add(labels[t]);
            xs.add(x.stream().mapToDouble(Double::doubleValue).toArray());
            ys.add(y.stream().mapToDouble(Double::doubleValue).toArray());
        }
        rep.figure(model + " " + r.layer() + ": units by class selectivity and mean activity, coloured by single-unit ablation deficit",
                Report.scatter(model + " " + r.layer(), "class selectivity index", "mean activity", names, xs, ys));
        int g = 0;
        for (Group gr : r.groups()) g = Math.max(g, Math.max(gr.siBin(), gr.aBin()) + 1);
        double[][] z = new double[g][g], zp = new double[g][g];
        for (Group gr : r.groups()) {
            z[gr.aBin()][gr.siBin()] = gr.deficit();
            zp[gr.aBin()][gr.siBin()] = gr.preferredDeficit();
        }
        List<String> bins = new ArrayList<>();
        for (int i = 0; i < g; i++) bins.add("q" + (i + 1));
        rep.figure(model + " " + r.layer() + ": accuracy drop over all test images when each (SI, A) quantile bin is zeroed",
                Report.heatmap(model + " " + r.layer() + " overall deficit", "SI quantile bin", "activity quantile bin", bins, bins, z));
        rep.figure(model + " " + r.layer() + ": accuracy drop on the images of the zeroed units' preferred classes",
                Report.heatmap(model + " " + r.layer() + " preferred-class deficit", "SI quantile bin", "activity quantile bin", bins, bins, zp));
        List<List<Object>> rows = new ArrayList<>();
        for (String outcome : List.of("overall", "preferred-class")) {
            DeficitRegressions dr = outcome.equals("overall") ? r.overall() : r.preferredClass();
            for (LinearRegression.Fit f : dr.models()) {
                for (int i = 0; i < f.names().size(); i++) {
                    rows.add(List.of(outcome, f.formula(), f.names().get(i), f.coefficients()[i], f.ciLow()[i], f.ciHigh()[i], f.pValues()[i],
                            i == 0 ? f.r2() : "", i == 0 ? f.adjustedR2() : ""));
                }
            }
        }
        rep.table(model + " " + r.layer() + ": deficit ~ predictors across " + r.overall().full().n() + " groups (standardised predictors, 95% CI, t-test p)",
                slug + "_regression", List.of("deficit", "model", "term", "coefficient", "CI low", "CI high", "p", "R²", "adjusted R²"), rows);
        List<List<Object>> tests = new ArrayList<>();
        for (String outcome : List.of("overall", "preferred-class")) {
            DeficitRegressions dr = outcome.equals("overall") ? r.overall() : r.preferredClass();
            String[] term = {"SI", "A", "SI:A"};
            List<LinearRegression.NestedTest> ts = dr.tests();
            for (int i = 0; i < ts.size(); i++) {
                LinearRegression.NestedTest t = ts.get(i);
                tests.add(List.of(outcome, term[i], "~ " + t.reduced(), "~ " + t.full(), t.f(), t.df1() + ", " + t.df2(), t.p()));
            }
        }
        rep.table(model + " " + r.layer() + ": F-test of each term (the model without it against the model with it)", slug + "_term_tests",
                List.of("deficit", "term", "reduced model", "full model", "F", "df", "p"), tests);
        List<List<Object>> gr = new ArrayList<>();
        for (Group x : r.groups()) {
            gr.add(List.of("q" + (x.siBin() + 1), "q" + (x.aBin() + 1), x.units().length, x.meanSI(), x.meanA(), x.deficit(), x.preferredDeficit()));
        }
        rep.table(model + " " + r.layer() + ": the groups", slug + "_groups",
                List.of("SI bin", "A bin", "units", "mean SI", "mean A", "deficit", "preferred-class deficit"), gr);
        List<List<Object>> kr = new ArrayList<>();
        for (Map.Entry<String, double[]> e : r.kDeficits().entrySet()) {
            List<Object> row = new ArrayList<>(List.of(e.getKey()));
            for (double v : e.getValue()) row.add(v);
            kr.add(row);
        }
        List<String> head = new ArrayList<>(List.of("units ablated"));
        for (int k : r.ks()) head.add("k=" + k);
        rep.table(model + " " + r.layer() + ": accuracy drop when the top k units by each criterion are zeroed", slug + "_topk", head, kr);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
