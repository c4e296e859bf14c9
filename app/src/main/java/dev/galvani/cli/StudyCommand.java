package dev.galvani.cli;

import dev.galvani.kernels.Device;
import dev.galvani.attribution.studies.AblationStudy;
import dev.galvani.attribution.studies.TextFilterStudy;
import dev.galvani.engine.GalvaniException;
import dev.galvani.models.SavedModel;
import dev.galvani.models.data.DataSpec;
import dev.galvani.models.data.TextDataset;
import dev.galvani.models.data.Vocabulary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@code galvani study ...}: the papers' experiments, each writing an HTML report with CSV beside it. */
@Command(name = "study", description = "Reproduce the papers' experiments; each writes an HTML report with PNG figures and CSV/JSON.",
        subcommands = {StudyCommand.Ablation.class, StudyCommand.FeatureSelection.class, StudyCommand.TextFilters.class, StudyCommand.InteractionsStudy.class, StudyCommand.Selectivity.class})
final class StudyCommand {

    static SavedModel checkpoint(Path p, String expected, String trainHint) {
        if (!java.nio.file.Files.isRegularFile(p)) {
            throw new GalvaniException("checkpoint " + p + " not found; train one first: " + trainHint);
        }
        SavedModel m = SavedModel.load(p);
        if (m.onnx() != null) {
            // An imported model runs a study when the study's data fits it: the image studies read
            // 28x28 grey images, so a model taking [N, 1, 28, 28] (e.g. the project's nets exported from PyTorch).
            if ("textcnn".equals(expected) || !Inputs.fitsImageData(m)) {
                throw new GalvaniException(p + ": an ONNX model carries no data set, and this study's data (" + ("textcnn".equals(expected) ? "sentences, with a vocabulary"
                        : "28x28 grey images") + ") does not fit its input " + m.get("input_shape", "?"));
            }
            return m;
        }
        if (expected != null && !m.architecture().equals(expected)) {
            throw new GalvaniException("checkpoint " + p + " holds a '" + m.architecture() + "' model; this study needs '" + expected + "'");
        }
        return m;
    }

    /**
     * Two checkpoints studied on the same examples must read them the same way (data set and split,
     * normalisation, vocabulary); otherwise one of them would see inputs prepared for the other.
     */
    static void sameInputs(SavedModel a, Path pa, SavedModel b, Path pb) {
        DataSpec x = a.data(), y = b.data();
        boolean same = x.dataset().equals(y.dataset()) && x.fold() == y.fold() && x.splitSeed() == y.splitSeed()
                && Float.compare(x.mean(), y.mean()) == 0 && Float.compare(x.std(), y.std()) == 0
                && (x.vocabulary() == null ? y.vocabulary() == null : y.vocabulary() != null && x.vocabulary().serialise().equals(y.vocabulary().serialise()));
        if (!same) {
            throw new GalvaniException("checkpoint " + pb + " was trained on " + y.describe() + " with its own inputs; checkpoint " + pa
                    + " on " + x.describe() + ": they cannot be studied on the same examples");
        }
    }

    @Command(name = "ablation", description = "Rank a layer's filters by conductance and its peers; ablate singly and cumulatively (Dhamdhere et al., experiment 1).")
    static final class Ablation implements Runnable {
        @Option(names = "--checkpoint", defaultValue = "runs/inception.safetensors") Path checkpoint;
        @Option(names = "--layer", defaultValue = "inception4a") String layer;
        @Option(names = "--indices", defaultValue = "0-31", description = "Held-out images (default ${DEFAULT-VALUE})") String indices;
        @Option(names = "--steps", defaultValue = "50") int steps;
        @Option(names = "--max-k", defaultValue = "64", description = "Most filters removed cumulatively") int maxK;
        @Option(names = "--max-rows", defaultValue = "512") int maxRows;
        @Option(names = "--seed", defaultValue = "0") long seed;
        @Option(names = "--out", defaultValue = "reports/ablation") Path out;
        @Mixin DataOptions data;
        @Mixin DeviceOption device;

        @Override
        public void run() {
            device.hostOnly("study ablation");
            SavedModel m = checkpoint(checkpoint, "inception", "galvani train --model inception --data fashion-mnist --epochs 4 --out " + checkpoint);
            m.model().module(layer);
            Inputs.Examples ex = Inputs.fromTestSplit(m, data, indices, m.data());
            AblationStudy.Result r = AblationStudy.run(m.model(), ex.x(), new AblationStudy.Config(layer, steps, maxK, maxRows, seed));
            Path page = AblationStudy.report(r, out, m.architecture() + " from " + checkpoint + " (" + m.get("data", "?") + ", test accuracy " + m.get("test_accuracy", "?") + ")");
            for (AblationStudy.MethodSummary s : r.summary()) {
                System.out.printf(Locale.ROOT, "%-22s mean Spearman %6s  median flip k %5.1f  flipped %d/%d%n", s.method(),
                        Double.isNaN(s.meanSpearman()) ? "n/a" : String.format(Locale.ROOT, "%.3f", s.meanSpearman()), s.medianFlipK(), s.flipped(), s.examples());
            }
            System.out.println("report: " + page);
        }
    }

    @Command(name = "text-filters", description = "Conductance of the text CNN's max-pooled filters: positive, negative and negation filters (experiment 3).")
    static final class TextFilters implements Runnable {
        @Option(names = "--checkpoint", defaultValue = "runs/textcnn-mr.safetensors") Path checkpoint;
        @Option(names = "--sentences", defaultValue = "500", description = "Held-out sentences to attribute") int sentences;
        @Option(names = "--steps", defaultValue = "32") int steps;
        @Option(names = "--seed", description = "Split seed (default: the checkpoint's; another is refused)") Long seed;
        @Option(names = "--fold", description = "MR fold (default: the checkpoint's held-out fold; another is refused)") Integer fold;
        @Option(names = "--out", defaultValue = "reports/text-filters") Path out;
        @Mixin DataOptions data;
        @Mixin DeviceOption device;

        @Override
        public void run() {
            device.hostOnly("study feature-selection");
            SavedModel m = checkpoint(checkpoint, "textcnn", "galvani train --model textcnn --data mr --epochs 4 --out " + checkpoint);
            DataSpec spec = data.evaluation(m, checkpoint, null, fold, seed);
            String name = spec.describe();
            TextDataset test = data.text(spec).heldOut();
            int n = Math.min(sentences, test.size());
            TextDataset sub = test.subset(DataOptions.range(0, n));
            Vocabulary v = Inputs.vocabulary(m);
            int t = TextDataset.MIN_WIDTH;
            for (String[] s : sub.tokens()) t = Math.max(t, s.length);
            int[][] ids = new int[n][];
            String[][] toks = new String[n][];
            for (int i = 0; i < n; i++) {
                ids[i] = java.util.Arrays.copyOf(v.encode(sub.tokens().get(i)), t);
                toks[i] = sub.tokens().get(i);
            }
            TextFilterStudy.Result r = TextFilterStudy.run(m.model(), ids, toks, sub.labels(), steps, 32);
            Path page = TextFilterStudy.report(r, out, "textcnn from " + checkpoint + " (" + name + ", held-out accuracy " + m.get("test_accuracy", "?") + ")");
            long pos = r.filters().stream().filter(f -> f.meanConductance() > 0).count();
            List<TextFilterStudy.Filter> neg = new ArrayList<>(r.filters());
            neg.sort((a, b) -> Double.compare(b.negationRate(), a.negationRate()));
            System.out.printf(Locale.ROOT, "%d sentences; %d filters lean positive, %d negative; median relative delta %.2e%n",
                    n, pos, r.filters().size() - pos, r.medianRelativeDelta());
            System.out.printf(Locale.ROOT, "top negation filter %d: rate %.2f vs base %.3f, n-grams %s%n", neg.get(0).index(),
                    neg.get(0).negationRate(), r.baseNegationRate(), neg.get(0).topNgrams());
            System.out.println("report: " + page);
        }
    }

    @Command(name = "feature-selection", description = "Top-k filters by each method as features for a logistic regression (experiment 2): footwear vs rest and random halves.")
    static final class FeatureSelection implements Runnable {
        @Option(names = "--checkpoint", defaultValue = "runs/inception.safetensors") Path checkpoint;
        @Option(names = "--layer", defaultValue = "inception4a") String layer;
        @Option(names = "--attribution-images", defaultValue = "100") int attributionImages;
        @Option(names = "--train-per-side", defaultValue = "500") int trainPerSide;
        @Option(names = "--test-per-side", defaultValue = "500") int testPerSide;
        @Option(names = "--steps", defaultValue = "32") int steps;
        @Option(names = "--random-tasks", defaultValue = "3") int randomTasks;
        @Option(names = "--group", split = ",", description = "Classes of the natural group task (default: footwear 5,7,9 on Fashion-MNIST)") List<Integer> group;
        @Option(names = "--group-name", description = "Its name in the report") String groupName;
        @Option(names = "--seed", defaultValue = "0") long seed;
        @Option(names = "--out", defaultValue = "reports/feature-selection") Path out;
        @Mixin DataOptions data;
        @Mixin DeviceOption device;

        @Override
        public void run() {
            device.hostOnly("study text-filters");
            SavedModel m = checkpoint(checkpoint, "inception", "galvani train --model inception --data fashion-mnist --epochs 4 --out " + checkpoint);
            m.model().module(layer);
            if (attributionImages < 1 || trainPerSide < 2 || testPerSide < 1 || randomTasks < 1) {
                throw new GalvaniException("--attribution-images, --test-per-side and --random-tasks must be at least 1, --train-per-side at least 2");
            }
            String name = m.data().describe();
            var im = data.images(m.data());
            boolean fashion = im.train().name().startsWith("fashion");
            int[] g = group != null ? group.stream().mapToInt(Integer::intValue).toArray() : fashion ? new int[] {5, 7, 9} : new int[] {0, 1, 2};
            for (int c : g) if (c < 0 || c >= 10) throw new GalvaniException("--group: class " + c + " is outside 0..9");
            String gname = groupName != null ? groupName : group != null ? "classes " + group + " vs rest" : fashion ? "footwear vs rest" : "classes 0-2 vs rest";
            var tasks = dev.galvani.attribution.studies.FeatureSelectionStudy.tasks(gname, g, 10, randomTasks, seed);
            var cfg = new dev.galvani.attribution.studies.FeatureSelectionStudy.Config(layer, attributionImages, trainPerSide, testPerSide, steps, randomTasks, seed);
            var r = dev.galvani.attribution.studies.FeatureSelectionStudy.run(m.model(), im.train(), im.heldOut(), tasks, cfg);
            Path page = dev.galvani.attribution.studies.FeatureSelectionStudy.report(r, out, m.architecture() + " from " + checkpoint
                    + " (" + name + ", test accuracy " + m.get("test_accuracy", "?") + ")");
            for (int t = 0; t < r.tasks().size(); t++) {
                for (int me = 0; me < dev.galvani.attribution.studies.FeatureSelectionStudy.METHODS.size(); me++) {
                    System.out.printf(Locale.ROOT, "%-18s %-20s %s%n", r.tasks().get(t).name(),
                            dev.galvani.attribution.studies.FeatureSelectionStudy.METHODS.get(me), java.util.Arrays.toString(r.accuracy()[t][me]));
                }
            }
            System.out.println("report: " + page);
        }
    }

    @Command(name = "interactions", description = "AND/OR interactions at every layer, learned and forgotten, generalisation and noise stability by order (Cheng et al. 2024).")
    static final class InteractionsStudy implements Runnable {
        @Option(names = "--checkpoint", defaultValue = "runs/inception.safetensors") Path checkpoint;
        @Option(names = "--checkpoint2", description = "A second net trained on the same task (other seed or architecture), for generalisation") Path checkpoint2;
        @Option(names = "--layers", split = ",", description = "Default: conv2,inception3a,inception3b,inception4a (images); conv3.relu,features (text)") List<String> layers;
        @Option(names = "--samples", defaultValue = "8") int samples;
        @Option(names = "--variables", defaultValue = "10", description = "Players: image patches (cells of a grid) or words") int variables;
        @Option(names = "--grid", defaultValue = "4", description = "Grid of g x g cells over the image") int grid;
        @Option(names = "--truncate", description = "Text: cut sentences longer than --variables instead of skipping them") boolean truncate;
        @Option(names = "--iterations", defaultValue = "3000") int iterations;
        @Option(names = "--lr", defaultValue = "1e-4") double lr;
        @Option(names = "--readout-examples", defaultValue = "3000") int readoutExamples;
        @Option(names = "--noise-draws", defaultValue = "6") int noiseDraws;
        @Option(names = "--noise-std", defaultValue = "0.2") double noiseStd;
        @Option(names = "--max-rows", defaultValue = "256") int maxRows;
        @Option(names = "--max-memory", defaultValue = "2048", description = "MiB for the masked samples' features") long maxMemory;
        @Option(names = "--seed", defaultValue = "0") long seed;
        @Option(names = "--out", defaultValue = "reports/interactions") Path out;
        @Mixin DataOptions data;
        @Mixin DeviceOption device;

        @Override
        public void run() {
            Device where = device.install();
            SavedModel m = checkpoint(checkpoint, null, "galvani train --model inception --data fashion-mnist --out " + checkpoint);
            SavedModel m2 = checkpoint2 == null ? null : checkpoint(checkpoint2, null, "galvani train ... --seed 1 --out " + checkpoint2);
            if (m2 != null) sameInputs(m, checkpoint, m2, checkpoint2);
            m.model().to(where);
            if (m2 != null) m2.model().to(where);
            boolean text = Inputs.isText(m);
            if (variables < 1 || variables > dev.galvani.attribution.interactions.extract.Players.MAX) {
                throw new GalvaniException("--variables must be 1.." + dev.galvani.attribution.interactions.extract.Players.MAX + ", got " + variables);
            }
            if (samples < 1) throw new GalvaniException("--samples must be at least 1");
            List<String> ls = layers != null ? layers : text ? List.of("conv3.relu", "features") : List.of("conv2", "inception3a", "inception3b", "inception4a");
            for (String l : ls) m.model().module(l);
            var decomposition = dev.galvani.attribution.interactions.AndOrDecomposition.Options.defaults().withLr(lr).withIterations(iterations);
            var cfg = new dev.galvani.attribution.studies.InteractionStudy.Config(ls, text ? "embedding" : null, readoutExamples, maxRows,
                    maxMemory << 20, decomposition, text ? 0 : noiseDraws, noiseStd, seed);
            List<dev.galvani.attribution.interactions.extract.LayerwiseInteractions.Sample> list = new ArrayList<>();
            java.util.Map<String, Double> acc = new java.util.LinkedHashMap<>();
            java.util.Map<String, dev.galvani.attribution.linear.LogisticRegression> readouts;
            List<dev.galvani.attribution.interactions.extract.Players> players = new ArrayList<>();
            if (text) {
                var split = data.text(m.data());
                TextDataset[] parts = {split.train(), split.heldOut()};
                Vocabulary v = Inputs.vocabulary(m);
                readouts = dev.galvani.attribution.studies.InteractionStudy.readouts(m.model(), parts[0].encoded(v), parts[1].encoded(v), ls, readoutExamples, seed, acc);
                int skipped = 0;
                for (int i = 0; i < parts[1].size() && list.size() < samples; i++) {
                    String[] w = parts[1].tokens().get(i);
                    if (w.length > variables) {
                        if (!truncate) { skipped++; continue; }
                        w = java.util.Arrays.copyOf(w, variables);
                    }
                    // Layerwise metrics average over samples of the same game size: keep sentences of exactly n words.
                    if (w.length != variables) continue;
                    Inputs.Examples ex = Inputs.sentences(m, List.of(String.join(" ", w)));
                    var p = dev.galvani.attribution.interactions.extract.Players.words(java.util.Arrays.copyOf(w, Math.max(w.length, 0)));
                    // the padded tail (up to the widest filter) is not a player: it stays at padding either way
                    players.add(p);
                    list.add(new dev.galvani.attribution.interactions.extract.LayerwiseInteractions.Sample(ex.x(), parts[1].labels()[i], p));
                }
                if (skipped > 0) System.err.println("galvani: skipped " + skipped + " sentences longer than --variables " + variables + " (use --truncate to cut them)");
            } else {
                var im = data.images(m.data());
                readouts = dev.galvani.attribution.studies.InteractionStudy.readouts(m.model(), im.train(), im.heldOut(), ls, readoutExamples, seed, acc);
                var p = dev.galvani.attribution.interactions.extract.Players.patches(28, 28, grid, grid, variables, seed);
                for (int i = 0; i < samples; i++) {
                    players.add(p);
                    list.add(dev.galvani.attribution.studies.InteractionStudy.sample(im.heldOut(), i, p));
                }
            }
            if (list.isEmpty()) throw new GalvaniException("no sample has at most " + variables + " words; raise --variables or use --truncate");
            var r = dev.galvani.attribution.studies.InteractionStudy.run(m.model(), m2 == null ? null : m2.model(), list, readouts, acc, cfg);
            Path page = dev.galvani.attribution.studies.InteractionStudy.report(r, out, m.architecture() + " from " + checkpoint + " (" + m.get("data", "?") + ").",
                    (i, x) -> String.join("; ", dev.galvani.attribution.studies.InteractionStudy.top(x, players.get(i), 5)));
            var ch = r.main().change();
            for (int li = 0; li < r.main().layers().size(); li++) {
                String l = r.main().layers().get(li);
                System.out.printf(Locale.ROOT, "%-14s readout %s  salient %.3f (Harsanyi %.3f)  new %.3f  forgotten %.3f  completeness %.3f  redundancy %.3f%n",
                        l, acc.containsKey(l) ? String.format(Locale.ROOT, "%.3f", acc.get(l)) : "head ", r.main().sparsity(l, false, 0.05),
                        r.main().sparsity(l, true, 0.05), ch.newInteractions(li), ch.forgotten(li), ch.completeness(li), ch.redundancy(li));
            }
            if (r.generalisationByOrder() != null) System.out.println("generalisation IoU by order: " + java.util.Arrays.toString(r.generalisationByOrder()));
            if (r.stabilityByOrder() != null) System.out.println("noise stability by order: " + java.util.Arrays.toString(r.stabilityByOrder()));
            System.out.println("report: " + page);
        }
    }

    @Command(name = "selectivity", description = "Class selectivity, probes and group ablation across network families (Hayne et al. 2022).")
    static final class Selectivity implements Runnable {
        @Option(names = "--models", split = ",", defaultValue = "alexnet,vgg,mobilenetv2,resnet") List<String> models;
        @Option(names = "--layers", split = ",", description = "MODEL:LAYER pairs (default: an early and a late post-activation layer per model)") List<String> layers;
        @Option(names = "--runs-dir", defaultValue = "runs", description = "Where MODEL.safetensors checkpoints are") Path runs;
        @Option(names = "--grid", defaultValue = "5") int grid;
        @Option(names = "--stats-examples", defaultValue = "10000") int statsExamples;
        @Option(names = "--eval-examples", defaultValue = "1000") int evalExamples;
        @Option(names = "--single-units", defaultValue = "48", description = "Units ablated one at a time (a seeded sample)") int singleUnits;
        @Option(names = "--random-repeats", defaultValue = "3") int randomRepeats;
        @Option(names = "--probe", defaultValue = "l2", description = "l1 or l2") String probe;
        @Option(names = "--shift-negative", description = "Shift negative class means to zero instead of refusing the layer") boolean shift;
        @Option(names = "--seed", defaultValue = "1") long seed;
        @Option(names = "--out", defaultValue = "reports/selectivity") Path out;
        @Mixin DataOptions data;
        @Mixin DeviceOption device;

        @Override
        public void run() {
            device.hostOnly("study selectivity");
            if (grid < 1) throw new GalvaniException("--grid must be at least 1");
            var cfg = new dev.galvani.attribution.selectivity.SelectivityStudy.Config(grid, statsExamples, evalExamples, singleUnits, randomRepeats,
                    dev.galvani.attribution.linear.LogisticRegression.Penalty.parse(probe), shift, seed);
            dev.galvani.attribution.report.Report rep = new dev.galvani.attribution.report.Report("Selectivity, probes and group ablation", out);
            List<List<Object>> summary = new ArrayList<>();
            dev.galvani.models.data.Splits.Split<dev.galvani.models.data.ImageDataset> im = null;
            SavedModel first = null;
            Path firstPath = null;
            for (String model : models) {
                Path ck = runs.resolve(model + ".safetensors");
                SavedModel m = checkpoint(ck, model, "galvani train --model " + model + " --data fashion-mnist --out " + ck);
                if (im == null) {
                    im = data.images(m.data());
                    first = m;
                    firstPath = ck;
                    rep.paragraph("Data: " + im.train().name() + " (statistics and probes on " + Math.min(statsExamples, im.train().size())
                            + " training images, ablations on " + Math.min(evalExamples, im.heldOut().size()) + " test images). Units: channels averaged over "
                            + "positions after the non-linearity, or dense neurons. Groups: a " + grid + "x" + grid + " grid of quantile bins over (SI, A).");
                } else {
                    sameInputs(first, firstPath, m, ck);
                }
                List<String> ls = new ArrayList<>();
                if (layers != null) {
                    for (String p : layers) if (p.startsWith(model + ":")) ls.add(p.substring(model.length() + 1));
                } else {
                    ls.addAll(dev.galvani.attribution.selectivity.SelectivityStudy.DEFAULT_LAYERS.getOrDefault(model, List.of()));
                }
                if (ls.isEmpty()) throw new GalvaniException("no layers for model '" + model + "'; give --layers " + model + ":LAYER");
                for (String l : ls) {
                    var r = dev.galvani.attribution.selectivity.SelectivityStudy.run(m.model(), im.train(), im.heldOut(), l, cfg);
                    dev.galvani.attribution.selectivity.SelectivityStudy.addToReport(rep, model, r);
                    boolean beats = r.full().adjustedR2() > r.siOnly().adjustedR2();
                    summary.add(List.of(model, l, r.units(), r.baseline(), r.siOnly().r2(), r.aOnly().r2(), r.full().r2(), r.full().adjustedR2(),
                            r.siOnly().adjustedR2(), beats ? "yes" : "no", r.probeAccuracy(), r.probeVsAblationSpearman()));
                    System.out.printf(Locale.ROOT, "%-12s %-16s R² SI %.3f, A %.3f, SI+A+SI:A %.3f (adj %.3f vs SI adj %.3f): interaction model %s; probe acc %.3f, probe-vs-ablation Spearman %.3f%n",
                            model, l, r.siOnly().r2(), r.aOnly().r2(), r.full().r2(), r.full().adjustedR2(), r.siOnly().adjustedR2(),
                            beats ? "beats selectivity alone" : "does not beat selectivity alone", r.probeAccuracy(), r.probeVsAblationSpearman());
                }
            }
            rep.table("Summary: does deficit ~ SI + A + SI:A beat deficit ~ SI (adjusted R²)?", "summary",
                    List.of("model", "layer", "units", "baseline acc", "R² SI", "R² A", "R² SI+A+SI:A", "adj R² full", "adj R² SI", "interaction beats SI",
                            "probe acc", "probe vs ablation Spearman"), summary);
            System.out.println("report: " + rep.write());
        }
    }
}
