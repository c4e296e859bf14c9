package dev.galvani.attribution.studies;

import dev.galvani.attribution.interactions.AndOrDecomposition;
import dev.galvani.attribution.interactions.Interactions;
import dev.galvani.attribution.interactions.LayerwiseMetrics;
import dev.galvani.attribution.interactions.extract.LayerwiseInteractions;
import dev.galvani.attribution.interactions.extract.Players;
import dev.galvani.attribution.interactions.extract.Readout;
import dev.galvani.attribution.linear.LogisticRegression;
import dev.galvani.attribution.report.Report;
import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Rng;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.nn.Module;
import dev.galvani.models.train.Dataset;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The layerwise change of knowledge (Cheng et al., ICML 2024; docs/methods.md §3.5 to §3.7): linear readouts
 * trained on each layer's position-pooled features, AND-OR interactions of the same masked samples
 * at every layer, and the learned / forgotten / completeness / redundancy figures; sparsity against
 * the plain Harsanyi dividends; generalisation to a second net and stability under input noise, by order.
 */
public final class InteractionStudy {
    private InteractionStudy() {}

    public record Config(List<String> layers, String maskNode, int readoutTrainExamples, int maxRows, long maxBytes,
                         AndOrDecomposition.Options decomposition, int noiseDraws, double noiseStd, long seed) {}

    public record Result(Config config, LayerwiseInteractions.Result main, Map<String, Double> readoutAccuracy,
                         double[] generalisationByOrder, double[] stabilityByOrder, List<LayerwiseInteractions.Sample> samples) {}

    /** Trains one softmax readout per layer on pooled features of {@code train} (L2, seeded); held-out accuracy on {@code test}. */
    public static Map<String, LogisticRegression> readouts(Module model, Dataset train, Dataset test, List<String> layers, int examples,
                                                           long seed, Map<String, Double> accuracyOut) {
        int[] tr = new Rng(seed).permutation(train.size());
        tr = java.util.Arrays.copyOf(tr, Math.min(examples, tr.length));
        int[] te = new Rng(seed + 1).permutation(test.size());
        te = java.util.Arrays.copyOf(te, Math.min(Math.max(200, examples / 4), te.length));
        Map<String, float[]> ftr = dev.galvani.attribution.activations.LayerActivations.collect(model, train, tr, layers, dev.galvani.attribution.activations.LayerActivations.Pooling.MEAN), fte = dev.galvani.attribution.activations.LayerActivations.collect(model, test, te, layers, dev.galvani.attribution.activations.LayerActivations.Pooling.MEAN);
        int[] ytr = sub(train.labels(), tr), yte = sub(test.labels(), te);
        Map<String, LogisticRegression> out = new LinkedHashMap<>();
        for (String l : layers) {
            int d = ftr.get(l).length / tr.length;
            double var = 0;
            for (float v : ftr.get(l)) var += v * v;
            if (var == 0) throw new GalvaniException("layer '" + l + "' outputs only zeros on the training images: no linear classifier can be trained on it");
            LogisticRegression lr = LogisticRegression.fit(ftr.get(l), ytr, d, train.classes(),
                    LogisticRegression.Options.defaults().withEpochs(40).withSeed(seed));
            out.put(l, lr);
            accuracyOut.put(l, lr.accuracy(fte.get(l), yte));
        }
        return out;
    }

    /** Test example {@code i} as a sample (as the readouts see the test split), with the given players. */
    public static LayerwiseInteractions.Sample sample(Dataset test, int i, Players players) {
        if (i < 0 || i >= test.size()) throw new GalvaniException("sample " + i + " is outside the " + test.size() + " test examples");
        Dataset.Batch b = test.batch(new int[] {i});
        return new LayerwiseInteractions.Sample(b.x(), b.y()[0], players);
    }

    static int[] sub(int[] a, int[] idx) {
        int[] o = new int[idx.length];
        for (int i = 0; i < idx.length; i++) o[i] = a[idx[i]];
        return o;
    }

    public static Result run(Module model, Module second, List<LayerwiseInteractions.Sample> samples, Map<String, LogisticRegression> readouts,
                             Map<String, Double> readoutAccuracy, Config cfg) {
        Map<String, Readout> ro = new LinkedHashMap<>();
        for (Map.Entry<String, LogisticRegression> e : readouts.entrySet()) ro.put(e.getKey(), e.getValue()::logOdds);
        LayerwiseInteractions.Options opt = new LayerwiseInteractions.Options(cfg.maskNode(), cfg.maxRows(), cfg.maxBytes(), cfg.decomposition());
        LayerwiseInteractions.Result main = LayerwiseInteractions.run(model, samples, cfg.layers(), ro, opt);

        // Generalisation: the final-layer interactions of a second net on the same samples, IoU by order.
        double[] gen = null;
        if (second != null) {
            LayerwiseInteractions.Result other = LayerwiseInteractions.run(second, samples, List.of(), Map.of(), opt);
            List<double[]> per = new ArrayList<>();
            for (int i = 0; i < samples.size(); i++) {
                per.add(LayerwiseMetrics.generalisationByOrder(main.decomposed().get(i).get(LayerwiseInteractions.OUTPUT),
                        other.decomposed().get(i).get(LayerwiseInteractions.OUTPUT)));
            }
            gen = nanMean(per);
        }
        // Noise stability: Gaussian noise on the input, |mean| / std of each interaction over draws, by order.
        double[] stab = null;
        if (cfg.noiseDraws() >= 2 && cfg.maskNode() == null) {
            Rng rng = new Rng(cfg.seed() + 7);
            List<double[]> per = new ArrayList<>();
            for (LayerwiseInteractions.Sample s : samples) {
                List<LayerwiseInteractions.Sample> draws = new ArrayList<>();
                for (int k = 0; k < cfg.noiseDraws(); k++) {
                    Tensor noisy = s.x().add(Tensor.randn(rng, (float) cfg.noiseStd(), s.x().shape()));
                    draws.add(new LayerwiseInteractions.Sample(noisy, s.label(), s.players()));
                }
                LayerwiseInteractions.Result r = LayerwiseInteractions.run(model, draws, List.of(), Map.of(), opt);
                List<Interactions> finals = new ArrayList<>();
                for (Map<String, Interactions> m : r.decomposed()) finals.add(m.get(LayerwiseInteractions.OUTPUT));
                per.add(LayerwiseMetrics.noiseStabilityByOrder(finals));
            }
            stab = nanMean(per);
        }
        return new Result(cfg, main, readoutAccuracy, gen, stab, samples);
    }

    static double[] nanMean(List<double[]> rows) {
        int n = rows.get(0).length;
        double[] s = new double[n];
        int[] c = new int[n];
        for (double[] r : rows) for (int k = 0; k < n; k++) if (!Double.isNaN(r[k])) {
            s[k] += r[k];
            c[k]++;
        }
        for (int k = 0; k < n; k++) s[k] = c[k] == 0 ? Double.NaN : s[k] / c[k];
        return s;
    }

    /** Writes the report; {@code drawSample} renders sample i with its top interactions (image or words). */
    public static Path report(Result r, Path dir, String description, java.util.function.BiFunction<Integer, Interactions, Object> drawSample) {
        Report rep = new Report("AND/OR interactions, layer by layer", dir);
        LayerwiseInteractions.Result m = r.main();
        int n = m.decomposed().get(0).get(LayerwiseInteractions.OUTPUT).players();
        rep.paragraph(description + " " + r.samples().size() + " samples, " + n + " input variables each; v(x_T) = log-odds of the true class "
                + "from a linear softmax readout trained on each layer's position-pooled features (mean over positions), the net's own head at "
                + "'output'. AND-OR decomposition: " + r.config().decomposition().iterations() + " SGD iterations, lr "
                + r.config().decomposition().lr() + ", q bounded by 0.04 |v(N) − v(∅)|, OR terms of order ≤ 1 merged into AND. Salient: |I| > 0.05 max |I|.");
        List<List<Object>> rows = new ArrayList<>();
        LayerwiseMetrics.Change ch = m.change();
        for (int li = 0; li < m.layers().size(); li++) {
            String l = m.layers().get(li);
            Double acc = r.readoutAccuracy().get(l);
            rows.add(List.of(l, acc == null ? "net's head" : String.format(Locale.ROOT, "%.3f", acc),
                    m.sparsity(l, false, 0.05), m.sparsity(l, true, 0.05), ch.newInteractions(li), ch.forgotten(li),
                    ch.completeness(li), ch.redundancy(li)));
        }
        rep.table("Per layer: readout accuracy, share of salient interactions (decomposed vs plain Harsanyi dividends), strength-based "
                + "learned (new) and forgotten interactions relative to the previous layer, completeness and redundancy relative to the output",
                "layers", List.of("layer", "readout accuracy", "salient share (AND-OR)", "salient share (Harsanyi)", "new", "forgotten",
                        "completeness", "redundancy"), rows);
        double[] orders = new double[n + 1];
        for (int k = 0; k <= n; k++) orders[k] = k;
        List<double[]> spectra = new ArrayList<>();
        for (String l : m.layers()) spectra.add(m.strengthByOrder(l));
        rep.figure("Interaction strength Σ|I| by order, per layer", Report.lines("Strength spectrum", "order |S|", "mean Σ|I|", orders, m.layers(), spectra));
        double[] nw = new double[m.layers().size()], fg = new double[m.layers().size()];
        for (int li = 0; li < nw.length; li++) {
            nw[li] = ch.newInteractions(li);
            fg[li] = ch.forgotten(li);
        }
        rep.figure("Learned (new) and forgotten interaction strength per layer", Report.bars("Learned and forgotten", "layer", "strength",
                m.layers(), List.of("new", "forgotten"), List.of(nw, fg)));
        List<String> ks = new ArrayList<>();
        for (int k = 0; k <= n; k++) ks.add(Integer.toString(k));
        if (r.generalisationByOrder() != null || r.stabilityByOrder() != null) {
            List<String> names = new ArrayList<>();
            List<double[]> series = new ArrayList<>();
            if (r.generalisationByOrder() != null) { names.add("IoU with a second net"); series.add(zeroNaN(r.generalisationByOrder())); }
            if (r.stabilityByOrder() != null) { names.add("noise stability |mean|/std"); series.add(zeroNaN(r.stabilityByOrder())); }
            rep.figure("Generalisation and noise stability by order", Report.bars("By order", "order |S|", "value", ks, names, series));
            List<List<Object>> byOrder = new ArrayList<>();
            for (int k = 0; k <= n; k++) {
                byOrder.add(List.of(k, r.generalisationByOrder() == null ? "" : r.generalisationByOrder()[k],
                        r.stabilityByOrder() == null ? "" : r.stabilityByOrder()[k]));
            }
            rep.table("By order: IoU of the final interactions with a second net trained on the same task, and stability under input noise",
                    "by_order", List.of("order", "generalisation IoU", "noise stability"), byOrder);
        }
        if (drawSample != null) {
            rep.heading("Top interactions of the first samples (output layer)");
            for (int i = 0; i < Math.min(4, r.samples().size()); i++) {
                Object o = drawSample.apply(i, m.decomposed().get(i).get(LayerwiseInteractions.OUTPUT));
                if (o instanceof java.awt.image.BufferedImage img) rep.image("sample " + i, img);
                else rep.paragraph(String.valueOf(o));
            }
        }
        return rep.write();
    }

    static double[] zeroNaN(double[] v) {
        double[] o = v.clone();
        for (int i = 0; i < o.length; i++) if (Double.isNaN(o[i])) o[i] = 0;
        return o;
    }

    /** The strongest interactions of a sample as text: "AND {a, b}: 1.23". */
    public static List<String> top(Interactions x, Players p, int k) {
        int subsets = x.subsets();
        Integer[] idx = new Integer[2 * subsets];
        for (int i = 0; i < idx.length; i++) idx[i] = i;
        java.util.Arrays.sort(idx, (a, b) -> Double.compare(Math.abs(x.get(b)), Math.abs(x.get(a))));
        List<String> out = new ArrayList<>();
        for (int j = 0; j < Math.min(k, idx.length); j++) {
            int i = idx[j];
            boolean and = i < subsets;
            int s = and ? i : i - subsets;
            List<String> names = new ArrayList<>();
            for (int b = 0; b < p.count(); b++) if ((s >> b & 1) == 1) names.add(p.label(b));
            out.add(String.format(Locale.ROOT, "%s {%s}: %.3f", and ? "AND" : "OR", String.join(", ", names), x.get(i)));
        }
        return out;
    }
}
