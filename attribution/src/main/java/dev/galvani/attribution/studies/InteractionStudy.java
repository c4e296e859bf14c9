package dev.galvani.attribution.studies;

import dev.galvani.attribution.activations.LayerActivations;
import dev.galvani.attribution.interactions.AndOrDecomposition;
import dev.galvani.attribution.interactions.Interactions;
import dev.galvani.attribution.interactions.LayerwiseMetrics;
import dev.galvani.attribution.interactions.SalientInteractions;
import dev.galvani.attribution.interactions.extract.LayerwiseInteractions;
import dev.galvani.attribution.interactions.extract.LayerwiseInteractions.LayerGame;
import dev.galvani.attribution.interactions.extract.LayerwiseInteractions.Sample;
import dev.galvani.attribution.interactions.extract.LinearReadout;
import dev.galvani.attribution.interactions.extract.Players;
import dev.galvani.attribution.report.Report;
import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Rng;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.autodiff.Grad;
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
import java.util.function.BiFunction;

/**
 * The layerwise change of knowledge (Cheng et al., "Layerwise Change of Knowledge in Neural
 * Networks", ICML 2024; docs/methods.md §3.5 to §3.7): linear readouts on each layer's features, AND-OR interactions of the
 * same masked samples at every layer, learned / forgotten / completeness / redundancy, sparsity
 * against the plain Harsanyi dividends, generalisation to a second net by order, and stability
 * under noise by order at every layer.
 */
public final class InteractionStudy {
    private InteractionStudy() {}

    /**
     * The study's defaults (the reference implementation's iterations and learning rate): 30 samples
     * of 10 players (cells of a 4 x 4 grid, or words), 20,000 iterations at lr 1e-5, readouts on 5,000
     * training examples (2,000 held out, 15 epochs, flattened features up to 1,024 MiB a layer), 4
     * noise draws of relative std 0.2, salient above 5% of a sample's largest |I|, 256 masked samples a pass.
     */
    public static final int SAMPLES = 30, VARIABLES = 10, GRID = 4, ITERATIONS = 20000, READOUT_EXAMPLES = 5000, READOUT_TEST = 2000,
            READOUT_EPOCHS = 15, NOISE_DRAWS = 4, MAX_ROWS = 256;
    public static final double LR = 1e-5, NOISE_STD = 0.2, SALIENT = 0.05;
    public static final long READOUT_MEMORY_MIB = 1024;

    /** The layers studied by default: conv2 and the Inception blocks of the image net; the text CNN's third convolution and its pooled features. */
    public static List<String> defaultLayers(boolean text) {
        return text ? List.of("conv3.relu", "features") : List.of("conv2", "inception3a", "inception3b", "inception4a");
    }

    /**
     * A checkpoint's samples with their players and descriptions, the training and held-out data the
     * readouts see (encoded as the samples are), and a sentence on the setup for the report.
     */
    public record Prepared(List<Sample> samples, List<Players> players, List<String> descriptions, Dataset train, Dataset test, String setup) {}

    /**
     * Up to {@code count} samples of {@code variables} players from the checkpoint's held-out data.
     * Text: held-out sentences of {@code variables} to {@code variables + 5} words in held-out order,
     * {@code variables} of each sentence's words (a seeded choice) the players, every sentence padded
     * to one length so that each layer's flattened output has one shape. Images: the first held-out
     * images, {@code variables} cells of a {@code grid x grid} grid (seeded, the same for every image).
     */
    public static Prepared prepare(SavedModel m, String dataDir, int count, int variables, int grid, long seed) {
        if (variables < 1 || variables > Players.MAX) throw new GalvaniException("--variables must be 1.." + Players.MAX + ", got " + variables);
        if (count < 1) throw new GalvaniException("--samples must be at least 1, got " + count);
        List<Sample> list = new ArrayList<>();
        List<Players> players = new ArrayList<>();
        List<String> descriptions = new ArrayList<>();
        if (m.isText()) {
            Splits.Split<TextDataset> split = Splits.text(m.data(), dataDir);
            TextDataset trainText = split.train(), heldOut = split.heldOut();
            Vocabulary v = ModelInputs.vocabulary(m);
            int length = Math.max(trainText.longest(), Math.max(heldOut.longest(), TextDataset.MIN_WIDTH));
            Dataset train = trainText.encoded(v, length), test = heldOut.encoded(v, length);
            for (int i = 0; i < heldOut.size() && list.size() < count; i++) {
                String[] w = heldOut.tokens().get(i);
                if (w.length < variables || w.length > variables + 5) continue;
                Players p = Players.someWords(w, variables, seed + i);
                players.add(p);
                descriptions.add(String.join(" ", w));
                list.add(sample(test, i, p));
            }
            if (list.isEmpty()) throw new GalvaniException("no held-out sentence has " + variables + " to " + (variables + 5) + " words; change --variables");
            String setup = "Held-out sentences of " + variables + " to " + (variables + 5) + " words; " + variables + " of each sentence's words "
                    + "(a seeded choice; all of them in a sentence of exactly " + variables + ") are the players, the others stay; a "
                    + "masked word's embedding is set to zero (the padding's); every sentence is padded to " + length
                    + " tokens as in a training batch.";
            return new Prepared(list, players, descriptions, train, test, setup);
        }
        Splits.Split<ImageDataset> split = Splits.images(m.data(), dataDir);
        ImageDataset test = split.heldOut();
        Players p = Players.patches(test.height(), test.width(), grid, grid, variables, seed);
        for (int i = 0; i < Math.min(count, test.size()); i++) {
            players.add(p);
            descriptions.add("test[" + i + "]");
            list.add(sample(test, i, p));
        }
        String setup = "The first " + list.size() + " test images; players: " + variables + " cells of a " + grid + "x" + grid
                + " grid (seeded choice, the same for every image); masked cells set to zero in the normalised input (the mean pixel).";
        return new Prepared(list, players, descriptions, split.train(), test, setup);
    }

    /** One line per layer (readout, salient and L1 strength against Harsanyi's, loss ratio, learned, forgotten, completeness, redundancy), then generalisation and noise stability by order. */
    public static String text(Result r) {
        StringBuilder sb = new StringBuilder();
        for (LayerRow row : layerRows(r)) {
            sb.append(String.format(Locale.ROOT, "%-12s readout %s  salient %.1f (Harsanyi %.1f)  L1 %.1f (Harsanyi %.1f)  loss ratio %.3f  learned %.2f  forgotten %.2f  completeness %.3f  redundancy %.3f%n",
                    row.layer(), Double.isNaN(row.readoutHeldOut()) ? "head " : String.format(Locale.ROOT, "%.3f", row.readoutHeldOut()),
                    row.salientDecomposed(), row.salientHarsanyi(), row.strengthDecomposed(), row.strengthHarsanyi(), row.finalLossRatio(),
                    row.learned(), row.forgotten(), row.completeness(), row.redundancy()));
        }
        if (r.generalisation() != null) sb.append("generalisation IoU by order: ").append(Arrays.toString(r.generalisation())).append('\n');
        r.stability().forEach((l, st) -> sb.append("noise stability by order, ").append(l).append(": ").append(Arrays.toString(st)).append('\n'));
        return sb.toString();
    }

    /**
     * @param maskNode  null to mask the input; else the node whose positions are the players (text: the embedding)
     * @param noiseStd  noise standard deviation relative to the root mean square of the masking node's value
     */
    public record Config(String maskNode, int maxRows, AndOrDecomposition.Options decomposition, int noiseDraws,
                         double noiseStd, double salientFraction, long seed) {
        public Config {
            if (maxRows < 1) throw new GalvaniException("--max-rows must be at least 1, got " + maxRows);
            if (noiseDraws == 1 || noiseDraws < 0) throw new GalvaniException("--noise-draws must be 0 (off) or at least 2, got " + noiseDraws);
            if (!(noiseStd >= 0)) throw new GalvaniException("--noise-std must be at least 0, got " + noiseStd);
            if (!(salientFraction > 0 && salientFraction < 1)) throw new GalvaniException("salient fraction must be in (0, 1), got " + salientFraction);
        }
    }

    /**
     * @param second           the second net's games at its output (null without a second net)
     * @param generalisation   IoU of the two nets' output interactions by order (null without a second net)
     * @param stability        per layer, {@code |mean|/std} over noise draws by order, over all interactions (empty without noise)
     * @param salientStability the same over the interactions salient in the clean sample
     * @param seconds          wall time of each stage
     */
    public record Result(Config config, Map<String, LinearReadout> readouts, List<Sample> samples, LayerwiseInteractions.Result main,
                         LayerwiseInteractions.Result second, double[] generalisation, Map<String, double[]> stability,
                         Map<String, double[]> salientStability, Map<String, Double> seconds) {}

    /** Test example {@code i} as a sample (as the readouts see the test split), with the given players. */
    public static Sample sample(Dataset test, int i, Players players) {
        if (i < 0 || i >= test.size()) throw new GalvaniException("sample " + i + " is outside the " + test.size() + " test examples");
        Dataset.Batch b = test.batch(new int[] {i});
        return new Sample(b.x(), b.y()[0], players);
    }

    public static Result run(Module model, Module second, List<Sample> samples, Map<String, LinearReadout> readouts, Config cfg) {
        Map<String, Double> seconds = new LinkedHashMap<>();
        LayerwiseInteractions.Options opt = new LayerwiseInteractions.Options(cfg.maskNode(), cfg.maxRows(), cfg.decomposition());
        long t0 = System.nanoTime();
        LayerwiseInteractions.Result main = LayerwiseInteractions.run(model, samples, readouts, opt);
        seconds.put("interactions", (System.nanoTime() - t0) / 1e9);

        LayerwiseInteractions.Result other = null;
        double[] gen = null;
        if (second != null) {
            t0 = System.nanoTime();
            other = LayerwiseInteractions.run(second, samples, Map.of(), opt);
            seconds.put("second net", (System.nanoTime() - t0) / 1e9);
            gen = generalisationByOrder(main, other);
        }

        Map<String, double[]> stability = new LinkedHashMap<>(), salientStability = new LinkedHashMap<>();
        if (cfg.noiseDraws() >= 2) {
            t0 = System.nanoTime();
            List<Sample> noisy = new ArrayList<>();
            for (int i = 0; i < samples.size(); i++) {
                Rng rng = new Rng(cfg.seed() * 7919 + i);
                for (int k = 0; k < cfg.noiseDraws(); k++) noisy.add(withNoise(model, samples.get(i), cfg.maskNode(), cfg.noiseStd(), rng));
            }
            LayerwiseInteractions.Result r = LayerwiseInteractions.run(model, noisy, readouts, opt);
            stability = stabilityByOrder(r, null, cfg.noiseDraws(), cfg.salientFraction());
            salientStability = stabilityByOrder(r, main, cfg.noiseDraws(), cfg.salientFraction());
            seconds.put("noise draws", (System.nanoTime() - t0) / 1e9);
        }
        return new Result(cfg, readouts, samples, main, other, gen, stability, salientStability, seconds);
    }

    /**
     * The sample with Gaussian noise at its masking node: standard deviation {@code relativeStd}
     * times the root mean square of that node's value for this example.
     */
    static Sample withNoise(Module model, Sample s, String maskNode, double relativeStd, Rng rng) {
        Tensor value = maskNode == null ? s.x() : nodeValue(model, s.x(), maskNode);
        double ss = 0;
        for (float f : value.data()) ss += (double) f * f;
        float std = (float) (relativeStd * Math.sqrt(ss / value.numel()));
        return s.withNoise(Tensor.randn(rng, std, value.shape()));
    }

    private static Tensor nodeValue(Module model, Tensor x, String node) {
        try (Module.Mode e = model.evaluating(); Grad.Scope g = Grad.off()) {
            return model.runWithCache(x.to(model.device()), node).get(node).toHost();
        }
    }

    /** IoU of the two results' output interactions, per sample and order, averaged over samples (NaN orders skipped). */
    static double[] generalisationByOrder(LayerwiseInteractions.Result a, LayerwiseInteractions.Result b) {
        List<Interactions> x = a.decomposed(LayerwiseInteractions.OUTPUT), y = b.decomposed(LayerwiseInteractions.OUTPUT);
        List<double[]> per = new ArrayList<>();
        for (int i = 0; i < x.size(); i++) per.add(LayerwiseMetrics.generalisationByOrder(x.get(i), y.get(i)));
        return nanMean(per);
    }

    /**
     * Per layer: noise stability by order of each sample's draws (consecutive blocks of {@code draws}
     * in {@code noisy}), averaged over samples; with {@code clean}, only over the interactions
     * salient in the clean sample at that layer.
     */
    static Map<String, double[]> stabilityByOrder(LayerwiseInteractions.Result noisy, LayerwiseInteractions.Result clean, int draws,
                                                  double fraction) {
        Map<String, double[]> out = new LinkedHashMap<>();
        for (String l : noisy.layers()) {
            List<Interactions> all = noisy.decomposed(l);
            List<double[]> per = new ArrayList<>();
            for (int s = 0; s + draws <= all.size(); s += draws) {
                boolean[] selected = clean == null ? null : SalientInteractions.salient(clean.decomposed(l).get(s / draws), fraction);
                per.add(LayerwiseMetrics.noiseStabilityByOrder(all.subList(s, s + draws), selected));
            }
            out.put(l, nanMean(per));
        }
        return out;
    }

    static double[] nanMean(List<double[]> rows) {
        int n = rows.get(0).length;
        double[] s = new double[n];
        int[] c = new int[n];
        for (double[] r : rows) {
            for (int k = 0; k < n; k++) {
                if (!Double.isNaN(r[k])) {
                    s[k] += r[k];
                    c[k]++;
                }
            }
        }
        for (int k = 0; k < n; k++) s[k] = c[k] == 0 ? Double.NaN : s[k] / c[k];
        return s;
    }

    /** One row per layer: the table of the report and of the command's summary. */
    public record LayerRow(String layer, String features, double readoutTrain, double readoutHeldOut, double valueRange,
                           double salientDecomposed, double salientHarsanyi, double strengthDecomposed, double strengthHarsanyi,
                           double finalLossRatio, double lastTenthChange, double learned, double forgotten,
                           double completeness, double redundancy) {}

    public static List<LayerRow> layerRows(Result r) {
        LayerwiseInteractions.Result m = r.main();
        LayerwiseMetrics.Change ch = m.change();
        double f = r.config().salientFraction();
        List<LayerRow> rows = new ArrayList<>();
        for (int li = 0; li < m.layers().size(); li++) {
            String l = m.layers().get(li);
            LinearReadout ro = r.readouts().get(l);
            String features = ro == null ? "net's head"
                    : ro.features() + (ro.pooling() == LayerActivations.Pooling.NONE ? " (flattened)" : " (mean-pooled: memory fallback)");
            double range = 0, ratio = 0, tail = 0;
            for (Map<String, LayerGame> s : m.samples()) {
                LayerGame g = s.get(l);
                double[] v = g.values();
                range += Math.abs(v[v.length - 1] - v[0]) / m.samples().size();
                double[] loss = g.decomposition().losses();
                ratio += loss[loss.length - 1] / loss[0] / m.samples().size();
                int from = (int) Math.floor(0.9 * (loss.length - 1));
                tail += (loss[from] - loss[loss.length - 1]) / loss[loss.length - 1] / m.samples().size();
            }
            rows.add(new LayerRow(l, features, ro == null ? Double.NaN : ro.trainAccuracy(), ro == null ? Double.NaN : ro.heldOutAccuracy(),
                    range, m.salientCount(l, false, f), m.salientCount(l, true, f), m.strength(l, false), m.strength(l, true),
                    ratio, tail, ch.newInteractions(li), ch.forgotten(li), ch.completeness(li), ch.redundancy(li)));
        }
        return rows;
    }

    /** Writes the report; {@code describeSample} renders sample i with its output interactions (an image, or text). */
    public static Path report(Result r, Path dir, String description, BiFunction<Integer, Interactions, Object> describeSample) {
        Report rep = new Report("AND/OR interactions, layer by layer", dir);
        LayerwiseInteractions.Result m = r.main();
        int n = m.players();
        AndOrDecomposition.Options d = r.config().decomposition();
        double f = r.config().salientFraction();
        rep.paragraph(description + " " + r.samples().size() + " samples, " + n + " input variables (players) each. v(x_T) is the log-odds "
                + "of the true class from a linear softmax readout trained on each layer's features (flattened unless the table says "
                + "otherwise), and from the net's own head at 'output'. AND-OR decomposition (Li & Zhang 2023; Ren et al. 2024): "
                + describe(d) + ", q bounded by " + d.qBound() + " |v(N) − v(∅)|, OR terms merged into AND: "
                + d.merge() + ". Salient: |I| > " + f + " max |I| of the sample's own set. Strength-based learned, forgotten, "
                + "completeness and redundancy as Cheng et al. (2024) define them; counts are per sample, averaged.");

        List<LayerRow> layerRows = layerRows(r);
        List<List<Object>> rows = new ArrayList<>();
        for (LayerRow x : layerRows) {
            rows.add(List.of(x.layer(), x.features(), Report.valueOr(x.readoutTrain(), "–"), Report.valueOr(x.readoutHeldOut(), "–"), x.valueRange(), x.salientDecomposed(),
                    x.salientHarsanyi(), x.strengthDecomposed(), x.strengthHarsanyi(), x.finalLossRatio(), x.lastTenthChange()));
        }
        rep.table("Per layer: readout features and accuracy (training, held-out); mean |v(N) − v(∅)|; mean number of salient "
                        + "interactions of the 2^(n+1), AND-OR decomposition vs plain Harsanyi dividends; mean L1 strength of both; the "
                        + "decomposition's final loss relative to its start, and its relative fall over the last tenth of the iterations",
                "layers", List.of("layer", "readout features", "train acc", "held-out acc", "|v(N)−v(∅)|", "salient AND-OR",
                        "salient Harsanyi", "L1 AND-OR", "L1 Harsanyi", "final / initial loss", "fall in last 10%"), rows);

        List<String> layers = m.layers();
        LayerwiseMetrics.Change ch = m.change();
        double[][][] counts = m.countChange(f);
        List<List<Object>> change = new ArrayList<>();
        for (int li = 0; li < layers.size(); li++) {
            LayerRow x = layerRows.get(li);
            change.add(List.of(x.layer(), x.learned(), x.forgotten(), x.completeness(), x.redundancy(), sum(counts[0][li]),
                    sum(counts[1][li]), sum(counts[2][li])));
        }
        rep.table("Layerwise change (strength-based, per sample, averaged): learned (new) and forgotten strength relative to the layer "
                        + "before, completeness and redundancy relative to the output's total strength; count-based: salient interactions, "
                        + "salient ones new at the layer and salient ones of the layer before that are no longer salient",
                "change", List.of("layer", "learned", "forgotten", "completeness", "redundancy", "salient", "new salient", "forgotten salient"), change);

        int[] at = m.lossIterations();
        double[] its = new double[at.length];
        for (int i = 0; i < at.length; i++) its[i] = at[i];
        List<double[]> curves = new ArrayList<>();
        for (String l : layers) curves.add(m.relativeLossCurve(l));
        rep.figure("Decomposition loss Σ|I_and| + Σ|I_or| relative to its start, mean over samples, per layer",
                Report.lines("Loss curves", "iteration", "loss / initial loss", its, layers, curves));
        List<List<Object>> curveRows = new ArrayList<>();
        for (int i = 0; i < at.length; i++) {
            List<Object> row = new ArrayList<>(List.of(at[i]));
            for (double[] c : curves) row.add(c[i]);
            curveRows.add(row);
        }
        List<String> curveHeader = new ArrayList<>(List.of("iteration"));
        curveHeader.addAll(layers);
        rep.file("loss_curves.csv", csv(curveHeader, curveRows));

        double[] salD = new double[layers.size()], salH = new double[layers.size()];
        double[] nw = new double[layers.size()], fg = new double[layers.size()], cp = new double[layers.size()], rd = new double[layers.size()];
        for (int li = 0; li < layers.size(); li++) {
            LayerRow x = layerRows.get(li);
            salD[li] = x.salientDecomposed();
            salH[li] = x.salientHarsanyi();
            nw[li] = x.learned();
            fg[li] = x.forgotten();
            cp[li] = x.completeness();
            rd[li] = x.redundancy();
        }
        rep.figure("Salient interactions per sample by layer: AND-OR decomposition vs plain Harsanyi dividends",
                Report.bars("Sparsity", "layer", "salient interactions", layers, List.of("AND-OR", "Harsanyi"), List.of(salD, salH)));
        rep.figure("Learned (new) and forgotten interaction strength per layer",
                Report.bars("Learned and forgotten", "layer", "strength", layers, List.of("learned", "forgotten"), List.of(nw, fg)));
        rep.figure("Completeness and redundancy per layer (relative to the output's total strength)",
                Report.bars("Completeness and redundancy", "layer", "share of output strength", layers,
                        List.of("completeness", "redundancy"), List.of(cp, rd)));

        double[] orders = new double[n + 1];
        for (int k = 0; k <= n; k++) orders[k] = k;
        Map<String, double[]> strength = new LinkedHashMap<>(), salient = new LinkedHashMap<>(), fresh = new LinkedHashMap<>(),
                gone = new LinkedHashMap<>(), complete = new LinkedHashMap<>();
        for (int li = 0; li < layers.size(); li++) {
            String l = layers.get(li);
            strength.put(l, m.strengthByOrder(l, false));
            salient.put(l, counts[0][li]);
            fresh.put(l, counts[1][li]);
            gone.put(l, counts[2][li]);
            complete.put(l, ch.completeness()[li]);
        }
        rep.figure("Interaction strength Σ|I| by order, per layer", Report.lines("Strength by order", "order |S|", "mean Σ|I|", orders,
                layers, new ArrayList<>(strength.values())));
        rep.figure("Salient interactions by order, per layer", Report.lines("Salient by order", "order |S|", "salient per sample", orders,
                layers, new ArrayList<>(salient.values())));
        rep.figure("Completeness by order, per layer", Report.lines("Completeness by order", "order |S|", "share of output strength", orders,
                layers, new ArrayList<>(complete.values())));
        orderTable(rep, "Salient interactions per sample by order, per layer", "salient_by_order", salient);
        orderTable(rep, "Count-based change by order: salient interactions new at each layer", "new_by_order", fresh);
        orderTable(rep, "Count-based change by order: salient interactions of the layer before that are no longer salient", "forgotten_by_order", gone);
        orderTable(rep, "Completeness by order (its sum over orders is the layer's completeness)", "completeness_by_order", complete);

        if (r.generalisation() != null) {
            rep.figure("Generalisation: IoU of the output interactions with a second net, by order",
                    Report.bars("IoU by order", "order |S|", "IoU", ks(n), List.of("IoU"), List.of(zeroNaN(r.generalisation()))));
            orderTable(rep, "Generalisation: IoU of the output interactions with a second net trained on the same task, by order",
                    "generalisation_by_order", Map.of("IoU", r.generalisation()));
        }
        if (!r.stability().isEmpty()) {
            String how = r.config().noiseDraws() + " noise draws, σ = " + r.config().noiseStd() + " × RMS of the masked input or embedding";
            List<double[]> st = new ArrayList<>(), ss = new ArrayList<>();
            for (String l : layers) {
                st.add(zeroNaN(r.stability().get(l)));
                ss.add(zeroNaN(r.salientStability().get(l)));
            }
            rep.figure("Noise stability |mean|/std by order, per layer, all interactions (" + how + ")",
                    Report.lines("Stability by order", "order |S|", "|mean| / std", orders, layers, st));
            rep.figure("Noise stability |mean|/std by order, per layer, interactions salient in the clean sample (" + how
                            + "; an order without salient interactions is drawn at 0)",
                    Report.lines("Stability of salient interactions by order", "order |S|", "|mean| / std", orders, layers, ss));
            orderTable(rep, "Noise stability |mean|/std by order, all interactions (" + how + ")", "stability_by_order", r.stability());
            orderTable(rep, "Noise stability |mean|/std by order, interactions salient in the clean sample", "salient_stability_by_order",
                    r.salientStability());
        }
        if (describeSample != null) {
            rep.heading("Strongest output interactions of the first samples");
            for (int i = 0; i < Math.min(4, r.samples().size()); i++) {
                Object o = describeSample.apply(i, m.samples().get(i).get(LayerwiseInteractions.OUTPUT).decomposed());
                if (o instanceof java.awt.image.BufferedImage img) rep.image("sample " + i, img);
                else rep.paragraph("sample " + i + ": " + o);
            }
        }
        StringBuilder times = new StringBuilder("Wall time:");
        r.seconds().forEach((k, v) -> times.append(String.format(Locale.ROOT, " %s %.1f s;", k, v)));
        rep.paragraph(times.toString());
        rep.file("games.csv", gamesCsv(m));
        return rep.write();
    }

    /** A table with one row per order and one column per named series. */
    private static void orderTable(Report rep, String caption, String csvName, Map<String, double[]> series) {
        int orders = series.values().iterator().next().length;
        List<List<Object>> rows = new ArrayList<>();
        for (int k = 0; k < orders; k++) {
            List<Object> row = new ArrayList<>(List.of(k));
            for (double[] v : series.values()) row.add(v[k]);
            rows.add(row);
        }
        List<String> header = new ArrayList<>(List.of("order"));
        header.addAll(series.keySet());
        rep.table(caption, csvName, header, rows);
    }

    private static List<String> ks(int n) {
        List<String> ks = new ArrayList<>();
        for (int k = 0; k <= n; k++) ks.add(Integer.toString(k));
        return ks;
    }

    private static double sum(double[] a) {
        double s = 0;
        for (double x : a) s += x;
        return s;
    }

    /** The optimiser in words, for reports. */
    public static String describe(AndOrDecomposition.Options d) {
        return switch (d.solver()) {
            case SGD -> String.format(Locale.ROOT, "%d iterations of SGD with momentum %s, learning rate %.3g decaying log-linearly to %.3g",
                    d.iterations(), d.momentum(), d.lr(), d.lr() / 10);
            case PRIMAL_DUAL -> d.iterations() + " iterations of the preconditioned primal-dual hybrid gradient method, restarted from "
                    + "its average every quarter of the run";
        };
    }

    /** Every game's values, one row per sample, layer and subset: for checks with other solvers. */
    static String gamesCsv(LayerwiseInteractions.Result m) {
        StringBuilder sb = new StringBuilder("sample,layer,subset,value,final_loss\n");
        for (int i = 0; i < m.samples().size(); i++) {
            for (Map.Entry<String, LayerGame> e : m.samples().get(i).entrySet()) {
                double[] v = e.getValue().values();
                double loss = e.getValue().decomposition().finalLoss();
                for (int t = 0; t < v.length; t++) {
                    sb.append(i).append(',').append(e.getKey()).append(',').append(t).append(',').append(v[t]).append(',').append(t == 0 ? loss : "").append('\n');
                }
            }
        }
        return sb.toString();
    }

    private static String csv(List<String> header, List<List<Object>> rows) {
        StringBuilder sb = new StringBuilder(String.join(",", header)).append('\n');
        for (List<Object> row : rows) {
            List<String> cells = new ArrayList<>();
            for (Object o : row) cells.add(String.valueOf(o));
            sb.append(String.join(",", cells)).append('\n');
        }
        return sb.toString();
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
