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
import dev.galvani.models.ModelInputs;
import dev.galvani.models.SavedModel;
import dev.galvani.models.data.ImageDataset;
import dev.galvani.models.data.Splits;
import dev.galvani.models.data.TextDataset;
import dev.galvani.models.data.Vocabulary;
import dev.galvani.models.train.Dataset;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
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

    /** {@code maxRows}: most masked samples per pass, 0 for what the heap holds. */
    public record Config(List<String> layers, String maskNode, int readoutTrainExamples, int maxRows, long maxBytes,
                         AndOrDecomposition.Options decomposition, int noiseDraws, double noiseStd, long seed) {}

    public record Result(Config config, LayerwiseInteractions.Result main, Map<String, Double> readoutAccuracy,
                         double[] generalisationByOrder, double[] stabilityByOrder, List<LayerwiseInteractions.Sample> samples) {
        /** One line per layer (readout accuracy, sparsity, learned and forgotten, completeness, redundancy), then generalisation and stability by order. */
        public String text() {
            StringBuilder sb = new StringBuilder();
            var ch = main.change();
            for (int li = 0; li < main.layers().size(); li++) {
                String l = main.layers().get(li);
                sb.append(String.format(Locale.ROOT, "%-14s readout %s  salient %.3f (Harsanyi %.3f)  new %.3f  forgotten %.3f  completeness %.3f  redundancy %.3f%n",
                        l, readoutAccuracy.containsKey(l) ? String.format(Locale.ROOT, "%.3f", readoutAccuracy.get(l)) : "head ", main.sparsity(l, false, 0.05),
                        main.sparsity(l, true, 0.05), ch.newInteractions(li), ch.forgotten(li), ch.completeness(li), ch.redundancy(li)));
            }
            if (generalisationByOrder != null) sb.append("generalisation IoU by order: ").append(Arrays.toString(generalisationByOrder)).append('\n');
            if (stabilityByOrder != null) sb.append("noise stability by order: ").append(Arrays.toString(stabilityByOrder)).append('\n');
            return sb.toString();
        }
    }

    /** The study's defaults: 8 samples of 10 players (image patches on a 4 x 4 grid, or words), 3000 iterations at lr 1e-4, 3000 readout examples, 6 noise draws of std 0.2. */
    public static final int SAMPLES = 8, VARIABLES = 10, GRID = 4, ITERATIONS = 3000, READOUT_EXAMPLES = 3000, NOISE_DRAWS = 6;
    public static final double LR = 1e-4, NOISE_STD = 0.2;
    public static final long MAX_MEMORY_MIB = 2048;

    /** The layers studied by default: conv2 and the Inception blocks of the image net; the text CNN's third convolution and its pooled features. */
    public static List<String> defaultLayers(boolean text) {
        return text ? List.of("conv3.relu", "features") : List.of("conv2", "inception3a", "inception3b", "inception4a");
    }

    /** Samples to study, each with its players, and how many sentences were skipped for being longer than the players allowed. */
    public record Samples(List<LayerwiseInteractions.Sample> samples, List<Players> players, int skipped) {}

    /**
     * Up to {@code count} held-out sentences of exactly {@code variables} words, each word a player
     * (layerwise metrics average over games of one size); a longer sentence is cut to its first
     * {@code variables} words when {@code truncate}, else skipped. The padded tail, up to the widest
     * filter, is not a player: it stays at padding either way.
     */
    public static Samples sentences(TextDataset heldOut, Vocabulary vocabulary, int count, int variables, boolean truncate) {
        checkPlayers(variables, count);
        List<LayerwiseInteractions.Sample> out = new ArrayList<>();
        List<Players> players = new ArrayList<>();
        int skipped = 0;
        for (int i = 0; i < heldOut.size() && out.size() < count; i++) {
            String[] w = heldOut.tokens().get(i);
            if (w.length > variables) {
                if (!truncate) {
                    skipped++;
                    continue;
                }
                w = Arrays.copyOf(w, variables);
            }
            if (w.length != variables) continue;
            int label = heldOut.labels()[i];
            Tensor ids = new TextDataset(heldOut.name(), List.<String[]>of(w), new int[] {label}, heldOut.classNames()).encoded(vocabulary).batch(new int[] {0}).x();
            Players p = Players.words(w);
            players.add(p);
            out.add(new LayerwiseInteractions.Sample(ids, label, p));
        }
        if (out.isEmpty()) throw new GalvaniException("no held-out sentence has " + (truncate ? "at least " : "exactly ") + variables + " words; change --variables"
                + (truncate ? "" : " or use --truncate"));
        return new Samples(out, players, skipped);
    }

    /** The first {@code count} held-out images, each with {@code variables} of the cells of a {@code grid x grid} grid as players (the same seeded cells for all). */
    public static Samples images(ImageDataset heldOut, int count, int grid, int variables, long seed) {
        checkPlayers(variables, count);
        if (grid < 1) throw new GalvaniException("--grid must be at least 1, got " + grid);
        Players p = Players.patches(heldOut.height(), heldOut.width(), grid, grid, variables, seed);
        List<LayerwiseInteractions.Sample> out = new ArrayList<>();
        List<Players> players = new ArrayList<>();
        for (int i = 0; i < Math.min(count, heldOut.size()); i++) {
            players.add(p);
            out.add(sample(heldOut, i, p));
        }
        return new Samples(out, players, 0);
    }

    /** A study's samples with their players, and the layers' readouts trained on the checkpoint's own training data. */
    public record Prepared(Samples samples, Map<String, LogisticRegression> readouts, Map<String, Double> readoutAccuracy) {}

    /**
     * Everything a study of a checkpoint needs from its data: {@code count} held-out samples of
     * {@code variables} players ({@link #sentences} for a text model, {@link #images} otherwise), checked
     * before the readouts of {@code layers} are trained on {@code readoutExamples} training examples.
     */
    public static Prepared prepare(SavedModel m, String dataDir, List<String> layers, int count, int variables, int grid, boolean truncate,
                                   int readoutExamples, long seed) {
        Map<String, Double> acc = new LinkedHashMap<>();
        if (m.isText()) {
            Splits.Split<TextDataset> split = Splits.text(m.data(), dataDir);
            Vocabulary v = ModelInputs.vocabulary(m);
            Samples s = sentences(split.heldOut(), v, count, variables, truncate);
            return new Prepared(s, readouts(m.model(), split.train().encoded(v), split.heldOut().encoded(v), layers, readoutExamples, seed, acc), acc);
        }
        Splits.Split<ImageDataset> split = Splits.images(m.data(), dataDir);
        Samples s = images(split.heldOut(), count, grid, variables, seed);
        return new Prepared(s, readouts(m.model(), split.train(), split.heldOut(), layers, readoutExamples, seed, acc), acc);
    }

    private static void checkPlayers(int variables, int count) {
        if (variables < 1 || variables > Players.MAX) throw new GalvaniException("--variables must be 1.." + Players.MAX + ", got " + variables);
        if (count < 1) throw new GalvaniException("--samples must be at least 1, got " + count);
    }

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
