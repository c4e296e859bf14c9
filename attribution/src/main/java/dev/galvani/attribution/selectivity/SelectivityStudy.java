package dev.galvani.attribution.selectivity;

import dev.galvani.attribution.linear.LogisticRegression;
import dev.galvani.attribution.report.Report;
import dev.galvani.attribution.stats.LinearRegression;
import dev.galvani.attribution.stats.Ranking;
import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Rng;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.autodiff.Grad;
import dev.galvani.engine.nn.Hooks;
import dev.galvani.engine.nn.Module;
import dev.galvani.engine.nn.NamedHook;
import dev.galvani.models.progress.Progress;
import dev.galvani.models.train.Dataset;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Selectivity, probes and group ablation (Hayne et al. 2022; docs/methods.md §2) for one layer: the
 * class selectivity index and mean activity of every unit, a linear probe, ablation of units binned
 * on a quantile grid over (SI, A), ablation of the k most selective / active / probe-weighted /
 * random units, and the regression {@code deficit ~ SI + A + SI·A} across the grid's groups
 * against {@code deficit ~ SI} and {@code deficit ~ A}.
 */
public final class SelectivityStudy {
    private SelectivityStudy() {}

    /** An early and a late post-activation layer per model: the study's default layers. */
    public static final Map<String, List<String>> DEFAULT_LAYERS = Map.of(
            "alexnet", List.of("relu2", "relu6"), "vgg", List.of("relu2_2", "relu_fc1"),
            "mobilenetv2", List.of("blocks.2.expand", "head"), "resnet", List.of("layer1.1", "layer3.1"),
            "inception", List.of("inception3a", "inception4a"));

    public record Config(int grid, int statsExamples, int evalExamples, int singleUnits, int randomRepeats,
                         LogisticRegression.Penalty probePenalty, boolean shiftNegative, long seed) implements java.io.Serializable {}

    public record Group(int siBin, int aBin, int[] units, double meanSI, double meanA, double deficit, double preferredDeficit) {}

    public record LayerResult(String layer, int units, double[] si, double[] activity, int[] preferred, double baseline,
                              double[] singleDeficit, List<Group> groups, LinearRegression.Fit full, LinearRegression.Fit siOnly,
                              LinearRegression.Fit aOnly, double probeAccuracy, double[] probeImportance,
                              double probeVsAblationSpearman, double probeVsAblationJaccard, int[] ks, Map<String, double[]> kDeficits) {}

    /**
     * What the group ablation of one layer needs: every unit's selectivity index, mean activity and
     * preferred class, its quantile bin on each axis, the evaluation images (a seeded sample of the
     * test split) and the accuracy on them with nothing ablated.
     */
    public record Grid(String layer, int grid, int units, int classes, double[] si, double[] activity, int[] preferred,
                       int[] siBin, int[] aBin, int[] evalIndices, double baseline) implements java.io.Serializable {

        /** The units in bin {@code (siBin, aBin)}, ascending. */
        public int[] members(int siBin, int aBin) {
            List<Integer> m = new ArrayList<>();
            for (int u = 0; u < units; u++) if (this.siBin[u] == siBin && this.aBin[u] == aBin) m.add(u);
            return m.stream().mapToInt(Integer::intValue).toArray();
        }
    }

    /** The grid of one layer: unit statistics on {@code train}, evaluation images drawn from {@code test} with the config's seed. */
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
        int[] evalIdx = Arrays.copyOf(rng.permutation(test.size()), Math.min(cfg.evalExamples(), test.size()));
        double base = accuracy(model, layer, test.batch(evalIdx), new int[0], null);
        return new Grid(layer, cfg.grid(), units, train.classes(), si, act, stats.preferredClass(),
                quantileBins(si, cfg.grid()), quantileBins(act, cfg.grid()), evalIdx, base);
    }

    /**
     * Ablates bin {@code (i, j)} of the grid together: the accuracy drop on the evaluation images
     * {@code eval} (the grid's {@link Grid#evalIndices()}), and on those whose class some member
     * prefers. Null when the bin is empty.
     */
    public static Group group(Module model, Dataset.Batch eval, Grid g, int i, int j) {
        int[] m = g.members(i, j);
        if (m.length == 0) return null;
        boolean[] prefSet = new boolean[g.classes()];
        for (int u : m) prefSet[g.preferred()[u]] = true;
        double d = g.baseline() - accuracy(model, g.layer(), eval, m, null);
        double pd = accuracy(model, g.layer(), eval, new int[0], prefSet) - accuracy(model, g.layer(), eval, m, prefSet);
        return new Group(i, j, m, mean(g.si(), m), mean(g.activity(), m), d, pd);
    }

    /** The regressions across a layer's groups with standardised predictors: SI + A + SI·A, SI alone, A alone. */
    public static LinearRegression.Fit[] regressions(List<Group> groups) {
        int g = groups.size();
        double[] gs = new double[g], ga = new double[g], gd = new double[g];
        for (int i = 0; i < g; i++) {
            gs[i] = groups.get(i).meanSI();
            ga[i] = groups.get(i).meanA();
            gd[i] = groups.get(i).deficit();
        }
        double[] zs = LinearRegression.standardise(gs), za = LinearRegression.standardise(ga);
        double[][] full = new double[g][], so = new double[g][], ao = new double[g][];
        for (int i = 0; i < g; i++) {
            full[i] = new double[] {zs[i], za[i], zs[i] * za[i]};
            so[i] = new double[] {zs[i]};
            ao[i] = new double[] {za[i]};
        }
        return new LinearRegression.Fit[] {LinearRegression.fit(full, gd, "SI", "A", "SI:A"),
            LinearRegression.fit(so, gd, "SI"), LinearRegression.fit(ao, gd, "A")};
    }

    public static LayerResult run(Module model, Dataset train, Dataset test, String layer, Config cfg) {
        Rng rng = new Rng(cfg.seed());
        Grid grid = grid(model, train, test, layer, cfg, rng);
        int units = grid.units();
        double[] si = grid.si(), act = grid.activity();
        int[] pref = grid.preferred(), evalIdx = grid.evalIndices();
        Dataset.Batch eval = test.batch(evalIdx);
        double base = grid.baseline();

        // Linear probe on standardised unit activations (train: stats subset; test: eval images).
        int probeN = Math.min(cfg.statsExamples(), train.size());
        float[] ptr = dev.galvani.attribution.activations.LayerActivations.collect(model, train, Dataset.range(0, probeN), layer, dev.galvani.attribution.activations.LayerActivations.Pooling.MEAN);
        int[] ytr = Arrays.copyOf(train.labels(), probeN);
        float[] pte = dev.galvani.attribution.activations.LayerActivations.collect(model, test, evalIdx, layer, dev.galvani.attribution.activations.LayerActivations.Pooling.MEAN);
        LogisticRegression probe = LogisticRegression.fit(ptr, ytr, units, train.classes(),
                LogisticRegression.Options.defaults().withPenalty(cfg.probePenalty(), cfg.probePenalty() == LogisticRegression.Penalty.L1 ? 1e-3 : 1e-4)
                        .withEpochs(20).withSeed(cfg.seed()));
        double probeAcc = probe.accuracy(pte, eval.y());
        double[] imp = probe.importance();

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
                single[u] = base - accuracy(model, layer, eval, new int[] {u}, null);
                bar.step(1);
            }
            // Group ablation on the quantile grid.
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
                    d[k] = base - accuracy(model, layer, eval, Arrays.copyOf(order, ks[k]), null);
                    bar.step(1);
                }
                kDef.put(e.getKey(), d);
            }
            double[] rnd = new double[ks.length];
            for (int rep = 0; rep < cfg.randomRepeats(); rep++) {
                int[] order = rng.permutation(units);
                for (int k = 0; k < ks.length; k++) {
                    rnd[k] += (base - accuracy(model, layer, eval, Arrays.copyOf(order, ks[k]), null)) / cfg.randomRepeats();
                    bar.step(1);
                }
            }
            kDef.put("random (mean of " + cfg.randomRepeats() + ")", rnd);
        }
        // Regression across groups with standardised predictors.
        LinearRegression.Fit[] fits = regressions(groups);
        LinearRegression.Fit fFull = fits[0], fSi = fits[1], fA = fits[2];
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
        return new LayerResult(layer, units, si, act, pref, base, single, groups, fFull, fSi, fA, probeAcc, imp, rho, jac, ks, kDef);
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

    /** Accuracy with {@code ablate} zeroed at the layer, on the examples whose class is in {@code classes} (all when null). */
    static double accuracy(Module model, String layer, Dataset.Batch eval, int[] ablate, boolean[] classes) {
        int ok = 0, n = 0;
        NamedHook[] zero = ablate.length == 0 ? new NamedHook[0] : new NamedHook[] {Hooks.zeroUnits(ablate).at(layer)};
        try (Module.Mode e = model.evaluating(); Grad.Scope s = Grad.off()) {
            int rows = eval.y().length, per = eval.x().numel() / rows;
            for (int b0 = 0; b0 < rows; b0 += 500) {
                int b1 = Math.min(rows, b0 + 500);
                int[] shape = eval.x().shape();
                shape[0] = b1 - b0;
                Tensor x = new Tensor(Arrays.copyOfRange(eval.x().data(), b0 * per, b1 * per), shape);
                int[] pred = dev.galvani.engine.F.argmax(model.runWithHooks(x, zero));
                for (int i = b0; i < b1; i++) {
                    if (classes != null && !classes[eval.y()[i]]) continue;
                    n++;
                    if (pred[i - b0] == eval.y()[i]) ok++;
                }
            }
        }
        return n == 0 ? Double.NaN : (double) ok / n;
    }


    /** Adds one model-and-layer section to a report. */
    public static void addToReport(Report rep, String model, LayerResult r) {
        rep.heading(model + " / " + r.layer() + " (" + r.units() + " units)");
        rep.paragraph(String.format(Locale.ROOT, "Baseline accuracy %.4f on the evaluation images; linear probe (%s) held-out accuracy %.4f. "
                        + "Probe importance vs single-unit ablation deficit: Spearman %.3f, top-10%% Jaccard %.3f.", r.baseline(),
                "standardised unit activations", r.probeAccuracy(), r.probeVsAblationSpearman(), r.probeVsAblationJaccard()));
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
        double[][] z = new double[g][g];
        for (Group gr : r.groups()) z[gr.aBin()][gr.siBin()] = gr.deficit();
        List<String> bins = new ArrayList<>();
        for (int i = 0; i < g; i++) bins.add("q" + (i + 1));
        rep.figure(model + " " + r.layer() + ": accuracy drop when each (SI, A) quantile bin is zeroed",
                Report.heatmap(model + " " + r.layer() + " group ablation", "SI quantile bin", "activity quantile bin", bins, bins, z));
        List<List<Object>> rows = new ArrayList<>();
        for (LinearRegression.Fit f : List.of(r.full(), r.siOnly(), r.aOnly())) {
            for (int i = 0; i < f.names().size(); i++) {
                rows.add(List.of(String.join(" + ", f.names().subList(1, f.names().size())), f.names().get(i), f.coefficients()[i],
                        f.ciLow()[i], f.ciHigh()[i], i == 0 ? f.r2() : "", i == 0 ? f.adjustedR2() : ""));
            }
        }
        rep.table(model + " " + r.layer() + ": deficit ~ predictors across " + r.full().n() + " groups (standardised predictors, 95% CI)",
                model + "_" + r.layer().replace('.', '_') + "_regression", List.of("model", "term", "coefficient", "CI low", "CI high", "R²", "adjusted R²"), rows);
        List<List<Object>> kr = new ArrayList<>();
        for (Map.Entry<String, double[]> e : r.kDeficits().entrySet()) {
            List<Object> row = new ArrayList<>(List.of(e.getKey()));
            for (double v : e.getValue()) row.add(v);
            kr.add(row);
        }
        List<String> head = new ArrayList<>(List.of("units ablated"));
        for (int k : r.ks()) head.add("k=" + k);
        rep.table(model + " " + r.layer() + ": accuracy drop when the top k units by each criterion are zeroed", model + "_" + r.layer().replace('.', '_') + "_topk", head, kr);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
