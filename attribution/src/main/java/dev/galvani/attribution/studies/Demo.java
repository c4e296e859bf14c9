package dev.galvani.attribution.studies;

import dev.galvani.attribution.conductance.AttributionResult;
import dev.galvani.attribution.conductance.Discretisation;
import dev.galvani.attribution.conductance.LayerConductance;
import dev.galvani.attribution.conductance.Quadrature;
import dev.galvani.attribution.report.HeatMaps;
import dev.galvani.attribution.report.Report;
import dev.galvani.engine.F;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.autodiff.Grad;
import dev.galvani.engine.nn.Module;
import dev.galvani.models.ModelZoo;
import dev.galvani.models.SavedModel;
import dev.galvani.models.data.DataSpec;
import dev.galvani.models.data.ImageDataset;
import dev.galvani.models.data.SentimentData;
import dev.galvani.models.data.TextDataset;
import dev.galvani.models.data.Vocabulary;
import dev.galvani.models.train.Dataset;
import dev.galvani.models.train.Trainer;

import dev.galvani.attribution.stats.Ranking;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The demo's story on one page: train a small Inception-style net on images, show integrated
 * gradients beside each input on one colour scale, compare the two discretisations of conductance
 * on two Inception blocks, rank one block's filters, ablate the top-ranked filters against a
 * random order, and colour every word of held-out sentences by its attribution in a small text
 * CNN. Every sentence of the page that states a finding is written from the numbers beside it.
 */
public final class Demo {
    private Demo() {}

    /** The two blocks attributed together; every path crosses each of them (docs/methods.md §1.8). */
    public static final List<String> LAYERS = List.of("inception3a", "inception4a");
    /** The block whose filters are ablated: the last one, next to the head. */
    public static final String ABLATION_LAYER = "inception4a";

    /**
     * @param epochs      image training epochs
     * @param steps       path steps for every attribution
     * @param examples    held-out images attributed and ablated
     * @param maxK        most top-ranked filters zeroed together
     * @param sentences   generated sentences for the text part (0 skips it)
     * @param seed        seed of the nets, the training order and the random ablation order
     */
    public record Config(int epochs, int steps, int examples, int maxK, int sentences, long seed) {
        public static Config defaults() {
            return new Config(2, 50, 8, 24, 4000, 0);
        }
    }

    public record Summary(double imageAccuracy, double textAccuracy, Path page) {}

    /**
     * Trains, attributes and writes the report to {@code out}; the image net's checkpoint goes to
     * {@code checkpoint} with {@code data}, the record of how {@code train} and {@code test} were drawn.
     */
    public static Summary run(ImageDataset train, ImageDataset test, DataSpec data, Config cfg, Path out, Path checkpoint) {
        String dataName = data.dataset();
        Map<String, String> hyper = Map.of("width", "0.5", "seed", Long.toString(cfg.seed()));
        Module net = ModelZoo.create("inception", hyper);
        List<Trainer.Epoch> hist = Trainer.fit(net, train, test,
                new Trainer.Config(cfg.epochs(), 64, "adam", 3e-3f, 0f, true, cfg.seed(), Integer.MAX_VALUE));
        double acc = hist.get(hist.size() - 1).evalAccuracy();
        new SavedModel(net, "inception", Map.of("width", "0.5", "seed", Long.toString(cfg.seed()), "classes", Integer.toString(train.classes()),
                "test_accuracy", Double.toString(acc)), data).save(checkpoint);

        Report rep = new Report("Galvani demo: conductance on an Inception-style net", out);
        rep.paragraph(String.format(Locale.ROOT, "Data: %s (%d training images, %d epochs). Inception-style net, width 0.5, %d parameters; "
                        + "test accuracy %.3f on %d held-out images. JDK %s, %d cores. Checkpoint: %s.",
                dataName, train.size(), cfg.epochs(), net.parameterCount(), acc, test.size(), Runtime.version(),
                Runtime.getRuntime().availableProcessors(), checkpoint.getFileName()));
        imageSections(rep, net, test, cfg);
        double textAcc = cfg.sentences() > 0 ? textSection(rep, cfg) : Double.NaN;
        return new Summary(acc, textAcc, rep.write());
    }

    private static void imageSections(Report rep, Module net, ImageDataset test, Config cfg) {
        int n = Math.min(cfg.examples(), test.size());
        Dataset.Batch b = test.batch(Dataset.range(0, n));
        String[] layers = LAYERS.toArray(String[]::new);
        AttributionResult jvp = new LayerConductance(net).layers(layers).steps(cfg.steps()).method(Quadrature.GAUSS_LEGENDRE)
                .discretisation(Discretisation.JVP).maxRows(256).attribute(b.x());
        AttributionResult cap = new LayerConductance(net).layers(layers).steps(cfg.steps()).method(Quadrature.GAUSS_LEGENDRE)
                .discretisation(Discretisation.CAPTUM).maxRows(256).integratedGradients(false).attribute(b.x());

        rep.heading("Integrated gradients over the input");
        int h = test.height(), w = test.width(), per = h * w;
        List<HeatMaps.Panel> panels = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            panels.add(new HeatMaps.Panel(Arrays.copyOfRange(b.x().data(), i * per, (i + 1) * per),
                    Arrays.copyOfRange(jvp.integratedGradients().data(), i * per, (i + 1) * per),
                    String.format(Locale.ROOT, "%d: %s → %s", i, test.classNames().get(b.y()[i]), test.classNames().get(jvp.classes()[i]))));
        }
        int wrong = 0;
        for (int i = 0; i < n; i++) if (b.y()[i] != jvp.classes()[i]) wrong++;
        rep.paragraph(String.format(Locale.ROOT, "Each held-out image (titled true class → predicted class; %d of these %d %s misclassified) "
                + "beside its integrated gradients for the predicted class's logit: red pixels raise it, blue ones lower it, on one scale "
                + "shared by all %d maps, which ends at the 99.5th percentile of |IG| over them (the few larger values take the end colours). "
                + "Path from the zero baseline, %d Gauss-Legendre steps.", wrong, n, wrong == 1 ? "is" : "are", n, cfg.steps()));
        rep.image("Inputs and integrated gradients (shared colour scale)", HeatMaps.draw(panels, h, w, 7, 2, "integrated gradients"));

        rep.heading("Layerwise conservation");
        rep.paragraph("Every path from the input to the output crosses an Inception block's concatenated output, so a block's "
                + "conductances should sum to F(x) − F(x') (docs/methods.md §1.8). The table gives the relative gap |Σ Cond − (F(x) − F(x'))| "
                + "/ |F(x) − F(x')| for both discretisations of dy/dα, and integrated gradients' completeness gap for comparison.");
        List<List<Object>> rows = new ArrayList<>();
        for (String l : LAYERS) {
            rows.add(List.of(l, "JVP (exact dy/dα)", Ranking.median(jvp.relativeDelta(l)), max(jvp.relativeDelta(l))));
            rows.add(List.of(l, "Captum-compatible", Ranking.median(cap.relativeDelta(l)), max(cap.relativeDelta(l))));
        }
        rows.add(List.of("input", "integrated gradients", Ranking.median(jvp.relativeInputDelta()), max(jvp.relativeInputDelta())));
        rep.table(String.format(Locale.ROOT, "Relative conservation delta, %d Gauss-Legendre steps, %d images", cfg.steps(), n), "deltas",
                List.of("layer", "discretisation", "median", "max"), rows);
        rep.paragraph(conservationFinding(jvp, cap));

        String shown = LAYERS.get(LAYERS.size() - 1);
        Tensor fc = jvp.layer(shown).filterConductance();
        double[] first = new double[fc.size(1)];
        for (int j = 0; j < first.length; j++) first[j] = fc.get(0, j);
        rep.figure("Filter conductance of " + shown + " for image 0 (" + test.classNames().get(jvp.classes()[0]) + "), sorted",
                Report.rankedBars("Filter conductance, " + shown + ", image 0", "filter", "conductance", first, 15, 5));

        AblationStudy.Result abl = AblationStudy.run(net, b.x(), new AblationStudy.Config(ABLATION_LAYER, cfg.steps(), cfg.maxK(), 256, cfg.seed()));
        rep.heading("Ablation against attribution (" + ABLATION_LAYER + ")");
        rep.paragraph("For each image, " + ABLATION_LAYER + "'s " + abl.filters() + " filters are ranked by each method; the top k are zeroed "
                + "together until the prediction changes. Spearman: rank correlation between a method's scores and the drop in the "
                + "logit when each filter alone is zeroed.");
        List<List<Object>> ar = new ArrayList<>();
        for (AblationStudy.MethodSummary s : abl.summary()) {
            ar.add(List.of(s.method(), AblationStudy.MethodSummary.cell(s.meanSpearman()), s.medianFlipK(), s.flipped() + "/" + s.examples()));
        }
        rep.table("Rank correlation with single-filter ablation drops, and top filters zeroed before the prediction flips (median; "
                + "no flip within " + cfg.maxK() + " counts as " + (cfg.maxK() + 1) + ")", "ablation",
                List.of("method", "mean Spearman", "median flip k", "flipped"), ar);
        StringBuilder finding = new StringBuilder(AblationStudy.describe(abl.summary(), cfg.maxK()));
        for (AblationStudy.MethodSummary s : abl.summary()) {
            if (s.method().equals("Gradient*Activation") && s.meanSpearman() > 0.999) {
                finding.append(" Gradient*activation ranks filters exactly as their single-filter drops because the logit is linear in "
                        + ABLATION_LAYER + "'s output (average pooling and one linear layer follow it): zeroing a filter lowers the logit "
                        + "by exactly its gradient times its activation. Conductance differs from it by the gradient times the filter's "
                        + "activation at the baseline.");
            }
        }
        rep.paragraph(finding.toString());
    }

    /** What the conservation table shows, layer by layer, in words. */
    static String conservationFinding(AttributionResult jvp, AttributionResult cap) {
        StringBuilder sb = new StringBuilder();
        List<String> jvpBetter = new ArrayList<>(), capBetter = new ArrayList<>();
        for (String l : jvp.layers().keySet()) {
            double a = Ranking.median(jvp.relativeDelta(l)), c = Ranking.median(cap.relativeDelta(l));
            (a <= c ? jvpBetter : capBetter).add(String.format(Locale.ROOT, "%s (%.2g against %.2g)", l, a <= c ? a : c, a <= c ? c : a));
        }
        if (!jvpBetter.isEmpty()) sb.append("The exact scheme has the smaller median delta at ").append(String.join(" and ", jvpBetter)).append(". ");
        if (!capBetter.isEmpty()) sb.append("Captum's scheme has the smaller median delta at ").append(String.join(" and ", capBetter)).append(". ");
        double[] ig = jvp.relativeInputDelta();
        boolean same = true;
        for (String l : jvp.layers().keySet()) {
            double[] d = jvp.relativeDelta(l);
            for (int i = 0; i < d.length; i++) same &= Math.abs(d[i] - ig[i]) <= 1e-3 * Math.max(ig[i], 1e-3);
        }
        if (same) {
            sb.append("The exact scheme's delta is the same at every block and equals integrated gradients' completeness delta: with dy/dα "
                    + "exact, a block's total is the quadrature of ∫ dF/dα dα, so its only error is that one-dimensional quadrature, "
                    + "which more steps shrink. Captum's scheme instead sums gradient times activation differences node to node "
                    + "(docs/methods.md §1.3); its error differs from block to block and can be smaller or larger.");
        } else {
            sb.append("The exact scheme's deltas differ from integrated gradients' completeness delta, so a block shown is not crossed by "
                    + "every path.");
        }
        return sb.toString();
    }

    /** Trains a small text CNN on generated sentences; colours each held-out sentence's words by integrated gradients. Returns its accuracy. */
    private static double textSection(Report rep, Config cfg) {
        TextDataset[] parts = SentimentData.generated(cfg.sentences(), cfg.seed()).split(0.2, cfg.seed() + 1);
        Vocabulary vocab = Vocabulary.build(parts[0].tokens(), 1, 5000);
        Module net = ModelZoo.create("textcnn", Map.of("vocab", Integer.toString(vocab.size()), "dim", "64", "filters", "50",
                "seed", Long.toString(cfg.seed())));
        Dataset train = parts[0].encoded(vocab), held = parts[1].encoded(vocab);
        List<Trainer.Epoch> hist = Trainer.fit(net, train, held, new Trainer.Config(3, 50, "adam", 1e-3f, 0f, false, cfg.seed(), Integer.MAX_VALUE));
        double acc = hist.get(hist.size() - 1).evalAccuracy();

        int n = Math.min(10, parts[1].size());
        Dataset.Batch b = held.batch(Dataset.range(0, n));
        int[] positive = new int[n];
        Arrays.fill(positive, 1);
        AttributionResult r = new LayerConductance(net).layers("features").pathFrom("embedding").steps(cfg.steps()).attribute(b.x(), positive);
        Tensor perToken = r.tokenScores();                          // [N, T]
        Tensor logits;
        try (Module.Mode e = net.evaluating(); Grad.Scope g = Grad.off()) {
            logits = F.softmax(net.call(b.x()), 1);
        }
        List<String[]> words = new ArrayList<>();
        List<double[]> scores = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String[] w = parts[1].tokens().get(i);
            double[] s = new double[w.length];
            double total = 0;
            for (int j = 0; j < w.length; j++) {
                s[j] = perToken.get(i, j);
                total += s[j];
            }
            words.add(w);
            scores.add(s);
            double p = logits.get(i, 1);
            notes.add(String.format(Locale.ROOT, "label %s, predicted %s (p(positive) = %.2f); Σ = %.2f, F(x) − F(x') = %.2f",
                    SentimentData.CLASSES.get(b.y()[i]), p >= 0.5 ? "positive" : "negative", p, total, r.gap()[i]));
        }
        rep.heading("Words by their attribution (text CNN)");
        rep.paragraph(String.format(Locale.ROOT, "A Kim-style text CNN trained on %d generated sentences (negation, contrast with "
                + "\"but\", and mixed reviews joined by \"and\" whose label is a coin flip), %.3f accuracy on %d held-out ones. "
                + "Each word's integrated gradients for the positive class's logit, summed over its embedding: red words push towards "
                + "positive, blue ones towards negative; path from the padding embedding (zero), %d steps. A sentence's word scores "
                + "add up to F(x) − F(x') up to the quadrature error (median relative gap %.1e).",
                parts[0].size(), acc, parts[1].size(), cfg.steps(), Ranking.median(r.relativeInputDelta())));
        rep.words("Held-out sentences, one colour scale shared by all words", "words", words, scores, notes,
                "integrated gradients (positive class)");
        return acc;
    }

    static double max(double[] v) {
        return Arrays.stream(v).max().orElse(Double.NaN);
    }
}
