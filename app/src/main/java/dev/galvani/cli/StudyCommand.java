package dev.galvani.cli;

import dev.galvani.kernels.Device;
import dev.galvani.attribution.studies.AblationStudy;
import dev.galvani.attribution.studies.FeatureSelectionStudy;
import dev.galvani.attribution.studies.TextFilterStudy;
import dev.galvani.engine.GalvaniException;
import dev.galvani.models.SavedModel;
import dev.galvani.models.data.DataSpec;
import dev.galvani.models.data.TextDataset;
import dev.galvani.models.data.Vocabulary;
import dev.galvani.models.train.Dataset;
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

    @Command(name = "ablation", description = "Rank a layer's filters by conductance and its peers; remove them singly and cumulatively, zeroed and patched to the baseline's value (Dhamdhere et al., experiment 1).")
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
            for (AblationStudy.RemovalResult rr : r.removals()) {
                System.out.println("filters " + rr.removal().description + ":");
                for (AblationStudy.MethodSummary s : rr.summary()) {
                    System.out.printf(Locale.ROOT, "  %-22s mean Spearman %6s  median flip k %5.1f  flipped %d/%d%n", s.method(),
                            Double.isNaN(s.meanSpearman()) ? "n/a" : String.format(Locale.ROOT, "%.3f", s.meanSpearman()), s.medianFlipK(), s.flipped(), s.examples());
                }
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

    @Command(name = "feature-selection", description = "Top-k filters by each method as features for a logistic regression (experiment 2): "
            + "two natural class groups and two random halves, few training images per side, several seeds.")
    static final class FeatureSelection implements Runnable {
        @Option(names = "--checkpoint", defaultValue = "runs/inception.safetensors") Path checkpoint;
        @Option(names = "--layers", split = ",", defaultValue = "inception3a,inception3b") List<String> layers;
        @Option(names = "--train-per-side", split = ",", defaultValue = "5,10,20,50",
                description = "Training images per side, ascending; the positive ones are also the images scored (default ${DEFAULT-VALUE})") List<Integer> trainPerSide;
        @Option(names = "--test-per-side", defaultValue = "500") int testPerSide;
        @Option(names = "--steps", defaultValue = "32") int steps;
        @Option(names = "--seeds", defaultValue = "5", description = "Draws of the images per task (default ${DEFAULT-VALUE})") int seeds;
        @Option(names = "--random-tasks", defaultValue = "2") int randomTasks;
        @Option(names = "--group", description = "A natural group NAME=c1,c2,... (repeatable; default on Fashion-MNIST: footwear=5,7,9 and upper-body garments=0,2,4,6)")
        List<String> groups;
        @Option(names = "--seed", defaultValue = "0") long seed;
        @Option(names = "--out", defaultValue = "reports/feature-selection") Path out;
        @Mixin DataOptions data;
        @Mixin DeviceOption device;

        @Override
        public void run() {
            device.hostOnly("study text-filters");
            SavedModel m = checkpoint(checkpoint, "inception", "galvani train --model inception --data fashion-mnist --epochs 4 --out " + checkpoint);
            for (String l : layers) m.model().module(l);
            if (randomTasks < 0) throw new GalvaniException("--random-tasks must be at least 0");
            String name = m.data().describe();
            var im = data.images(m.data());
            boolean fashion = im.train().name().startsWith("fashion");
            List<FeatureSelectionStudy.Group> gs = new ArrayList<>();
            if (groups != null) {
                for (String g : groups) gs.add(parseGroup(g));
            } else if (fashion) {
                gs.add(new FeatureSelectionStudy.Group("footwear vs rest", new int[] {5, 7, 9}));
                gs.add(new FeatureSelectionStudy.Group("upper-body garments vs rest", new int[] {0, 2, 4, 6}));
            } else {
                gs.add(new FeatureSelectionStudy.Group("classes 0-2 vs rest", new int[] {0, 1, 2}));
                gs.add(new FeatureSelectionStudy.Group("classes 3-6 vs rest", new int[] {3, 4, 5, 6}));
            }
            var tasks = FeatureSelectionStudy.tasks(gs, im.train().classes(), randomTasks, seed);
            var cfg = new FeatureSelectionStudy.Config(layers, trainPerSide.stream().mapToInt(Integer::intValue).toArray(), testPerSide, steps, seeds, seed);
            var r = FeatureSelectionStudy.run(m.model(), im.train(), im.heldOut(), tasks, cfg);
            Path page = FeatureSelectionStudy.report(r, out, m.architecture() + " from " + checkpoint
                    + " (" + name + ", test accuracy " + m.get("test_accuracy", "?") + ")");
            for (int li = 0; li < layers.size(); li++) {
                for (int ni = 0; ni < cfg.trainPerSide().length; ni++) {
                    for (boolean nat : new boolean[] {true, false}) {
                        double[][][] s = r.summary(li, ni, nat);
                        double[][] margin = r.conductanceMargin(li, ni, nat);
                        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-12s n=%-3d %-15s", layers.get(li), cfg.trainPerSide()[ni],
                                nat ? "natural groups" : "random labels"));
                        for (int me = 0; me < FeatureSelectionStudy.METHODS.size(); me++) {
                            line.append(String.format(Locale.ROOT, "  %s %.1f/%.1f/%.1f/%.1f", FeatureSelectionStudy.METHODS.get(me).substring(0, 4),
                                    s[me][0][0], s[me][1][0], s[me][2][0], s[me][3][0]));
                        }
                        line.append(String.format(Locale.ROOT, "  cond-best other k=5: %+.1f ± %.1f", margin[0][0], margin[0][1]));
                        System.out.println(line);
                    }
                }
            }
            System.out.println("report: " + page);
        }

        static FeatureSelectionStudy.Group parseGroup(String g) {
            int eq = g.indexOf('=');
            if (eq <= 0) throw new GalvaniException("--group must be NAME=c1,c2,..., got '" + g + "'");
            try {
                return new FeatureSelectionStudy.Group(g.substring(0, eq) + " vs rest",
                        java.util.Arrays.stream(g.substring(eq + 1).split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray());
            } catch (NumberFormatException e) {
                throw new GalvaniException("--group '" + g + "': classes must be integers");
            }
        }
    }

    @Command(name = "interactions", description = "AND/OR interactions at every layer, learned and forgotten, generalisation and noise stability by order (Cheng et al. 2024).")
    static final class InteractionsStudy implements Runnable {
        @Option(names = "--checkpoint", defaultValue = "runs/inception.safetensors") Path checkpoint;
        @Option(names = "--checkpoint2", description = "A second net trained on the same task (other seed or architecture), for generalisation") Path checkpoint2;
        @Option(names = "--layers", split = ",", description = "Default: conv2,inception3a,inception3b,inception4a (images); conv3.relu,features (text)") List<String> layers;
        @Option(names = "--samples", defaultValue = "30", description = "Test images (the first ones), or held-out sentences of --variables to --variables + 5 words") int samples;
        @Option(names = "--variables", defaultValue = "10", description = "Players: image patches (cells of a grid) or words") int variables;
        @Option(names = "--grid", defaultValue = "4", description = "Grid of g x g cells over the image") int grid;
        @Option(names = "--iterations", defaultValue = "20000", description = "Iterations of the AND-OR decomposition (default: the reference's)") int iterations;
        @Option(names = "--lr", defaultValue = "1e-5", description = "SGD: initial learning rate, decaying log-linearly to a tenth (default: the reference's)") double lr;
        @Option(names = "--solver", defaultValue = "PRIMAL_DUAL", description = "PRIMAL_DUAL (within a few per cent of the exact optimum) or SGD (the reference's; its absolute step overshoots games of small scale)") dev.galvani.attribution.interactions.AndOrDecomposition.Solver solver;
        @Option(names = "--merge", defaultValue = "ORDER_AT_MOST_ONE", description = "OR terms merged into AND afterwards: ${COMPLETION-CANDIDATES}") dev.galvani.attribution.interactions.AndOrDecomposition.Merge merge;
        @Option(names = "--salient", defaultValue = "0.05", description = "Salient: |I| above this fraction of the sample's max |I|") double salient;
        @Option(names = "--readout-examples", defaultValue = "5000", description = "Training examples for each layer's readout") int readoutExamples;
        @Option(names = "--readout-test", defaultValue = "2000", description = "Held-out examples for the readouts' accuracy") int readoutTest;
        @Option(names = "--readout-epochs", defaultValue = "15") int readoutEpochs;
        @Option(names = "--readout-memory", defaultValue = "1024", description = "MiB for a layer's flattened readout features; above it the layer is mean-pooled (reported)") long readoutMemory;
        @Option(names = "--noise-draws", defaultValue = "4", description = "Noisy copies of each sample for the stability test (0: off)") int noiseDraws;
        @Option(names = "--noise-std", defaultValue = "0.2", description = "Noise standard deviation relative to the RMS of the masked input or embedding") double noiseStd;
        @Option(names = "--max-rows", defaultValue = "256", description = "Masked samples per forward pass") int maxRows;
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
            var decomposition = dev.galvani.attribution.interactions.AndOrDecomposition.Options.defaults().withLr(lr).withIterations(iterations)
                    .withMerge(merge).withSolver(solver).withCheckpoints(200);
            var cfg = new dev.galvani.attribution.studies.InteractionStudy.Config(text ? "embedding" : null, maxRows, decomposition,
                    noiseDraws, noiseStd, salient, seed);
            var readoutOptions = dev.galvani.attribution.interactions.extract.LinearReadout.Options.defaults()
                    .withExamples(readoutExamples, readoutTest).withEpochs(readoutEpochs).withMaxBytes(readoutMemory << 20).withSeed(seed);
            List<dev.galvani.attribution.interactions.extract.LayerwiseInteractions.Sample> list = new ArrayList<>();
            List<dev.galvani.attribution.interactions.extract.Players> players = new ArrayList<>();
            List<String> descriptions = new ArrayList<>();
            Dataset train, test;
            String setup;
            if (text) {
                var split = data.text(m.data());
                TextDataset[] parts = {split.train(), split.heldOut()};
                Vocabulary v = Inputs.vocabulary(m);
                // one length for every sentence, so each layer's flattened output has one shape
                int length = Math.max(parts[0].longest(), Math.max(parts[1].longest(), TextDataset.MIN_WIDTH));
                train = parts[0].encoded(v, length);
                test = parts[1].encoded(v, length);
                // sentences of n to n + 5 words, in held-out order; n of their words (seeded choice) are the players
                for (int i = 0; i < parts[1].size() && list.size() < samples; i++) {
                    String[] w = parts[1].tokens().get(i);
                    if (w.length < variables || w.length > variables + 5) continue;
                    var p = dev.galvani.attribution.interactions.extract.Players.someWords(w, variables, seed + i);
                    players.add(p);
                    descriptions.add(String.join(" ", w));
                    list.add(dev.galvani.attribution.studies.InteractionStudy.sample(test, i, p));
                }
                if (list.isEmpty()) throw new GalvaniException("no held-out sentence has " + variables + " to " + (variables + 5) + " words; change --variables");
                setup = "Held-out sentences of " + variables + " to " + (variables + 5) + " words; " + variables + " of each sentence's words "
                        + "(a seeded choice; all of them in a sentence of exactly " + variables + ") are the players, the others stay; a "
                        + "masked word's embedding is set to zero (the padding's); every sentence is padded to " + length
                        + " tokens as in a training batch.";
            } else {
                var im = data.images(m.data());
                train = im.train();
                test = im.heldOut();
                var p = dev.galvani.attribution.interactions.extract.Players.patches(28, 28, grid, grid, variables, seed);
                for (int i = 0; i < Math.min(samples, test.size()); i++) {
                    players.add(p);
                    descriptions.add("test[" + i + "]");
                    list.add(dev.galvani.attribution.studies.InteractionStudy.sample(test, i, p));
                }
                setup = "The first " + list.size() + " test images; players: " + variables + " cells of a " + grid + "x" + grid
                        + " grid (seeded choice, the same for every image); masked cells set to zero in the normalised input (the mean pixel).";
            }
            if (list.size() < samples) System.err.println("galvani: only " + list.size() + " samples qualify (asked for " + samples + ")");
            long t0 = System.nanoTime();
            var readouts = dev.galvani.attribution.interactions.extract.LinearReadout.train(m.model(), train, test, ls, readoutOptions);
            double readoutSeconds = (System.nanoTime() - t0) / 1e9;
            var r = dev.galvani.attribution.studies.InteractionStudy.run(m.model(), m2 == null ? null : m2.model(), list, readouts, cfg);
            r.seconds().put("readouts", readoutSeconds);
            String second = m2 == null ? "" : " Second net for generalisation: " + m2.architecture() + " from " + checkpoint2 + ".";
            Path page = dev.galvani.attribution.studies.InteractionStudy.report(r, out, m.architecture() + " from " + checkpoint + " ("
                            + m.get("data", "?") + "). " + setup + second,
                    (i, x) -> descriptions.get(i) + " — " + String.join("; ", dev.galvani.attribution.studies.InteractionStudy.top(x, players.get(i), 5)));
            for (var row : dev.galvani.attribution.studies.InteractionStudy.layerRows(r)) {
                System.out.printf(Locale.ROOT, "%-12s readout %s  salient %.1f (Harsanyi %.1f)  L1 %.1f (Harsanyi %.1f)  loss ratio %.3f  learned %.2f  forgotten %.2f  completeness %.3f  redundancy %.3f%n",
                        row.layer(), Double.isNaN(row.readoutHeldOut()) ? "head " : String.format(Locale.ROOT, "%.3f", row.readoutHeldOut()),
                        row.salientDecomposed(), row.salientHarsanyi(), row.strengthDecomposed(), row.strengthHarsanyi(), row.finalLossRatio(),
                        row.learned(), row.forgotten(), row.completeness(), row.redundancy());
            }
            if (r.generalisation() != null) System.out.println("generalisation IoU by order: " + java.util.Arrays.toString(r.generalisation()));
            r.stability().forEach((l, s) -> System.out.println("noise stability by order, " + l + ": " + java.util.Arrays.toString(s)));
            System.out.println("report: " + page);
        }
    }

    static List<Object> summaryRow(String model, String layer, int units, double baseline, dev.galvani.attribution.selectivity.DeficitRegressions d) {
        double[] c = d.interactionCoefficient();
        return List.of(model, layer, units, baseline, d.siOnly().r2(), d.aOnly().r2(), d.additive().r2(), d.full().r2(),
                String.format(Locale.ROOT, "%.4f [%.4f, %.4f]", c[0], c[1], c[2]), d.interaction().f(), d.interaction().p(),
                d.siGivenA().p(), d.aGivenSi().p(), d.carriers());
    }

    @Command(name = "selectivity", description = "Class selectivity, probes and group ablation across network families (Hayne et al. 2022).")
    static final class Selectivity implements Runnable {
        @Option(names = "--models", split = ",", defaultValue = "alexnet,vgg,mobilenetv2,resnet") List<String> models;
        @Option(names = "--layers", split = ",", description = "MODEL:LAYER pairs (default: an early and a late post-activation layer per model)") List<String> layers;
        @Option(names = "--runs-dir", defaultValue = "runs", description = "Where MODEL.safetensors checkpoints are") Path runs;
        @Option(names = "--grid", defaultValue = "5") int grid;
        @Option(names = "--stats-examples", defaultValue = "10000") int statsExamples;
        @Option(names = "--eval-examples", defaultValue = "10000", description = "Test images for every accuracy (default: all ${DEFAULT-VALUE})") int evalExamples;
        @Option(names = "--single-units", defaultValue = "48", description = "Units ablated one at a time (a seeded sample)") int singleUnits;
        @Option(names = "--random-repeats", defaultValue = "3") int randomRepeats;
        @Option(names = "--probe", defaultValue = "l2", description = "l1 (solved to the optimum by FISTA) or l2") String probe;
        @Option(names = "--probe-lambda", description = "Penalty weight on the mean cross-entropy (default 1e-3 for l1, 1e-4 for l2)") Double probeLambda;
        @Option(names = "--shift-negative", description = "Shift negative class means to zero instead of refusing the layer") boolean shift;
        @Option(names = "--seed", defaultValue = "1") long seed;
        @Option(names = "--out", defaultValue = "reports/selectivity") Path out;
        @Mixin DataOptions data;
        @Mixin DeviceOption device;

        @Override
        public void run() {
            device.hostOnly("study selectivity");
            if (grid < 3) throw new GalvaniException("--grid must be at least 3 (the regressions need at least 5 groups), got " + grid);
            if (evalExamples < 1 || statsExamples < 1) throw new GalvaniException("--eval-examples and --stats-examples must be at least 1");
            var penalty = dev.galvani.attribution.linear.LogisticRegression.Penalty.parse(probe);
            double lambda = probeLambda != null ? probeLambda : dev.galvani.attribution.selectivity.SelectivityStudy.Config.defaultLambda(penalty);
            if (!(lambda >= 0) || Double.isInfinite(lambda)) throw new GalvaniException("--probe-lambda must be a non-negative number, got " + probeLambda);
            var cfg = new dev.galvani.attribution.selectivity.SelectivityStudy.Config(grid, statsExamples, evalExamples, singleUnits, randomRepeats,
                    penalty, lambda, shift, seed);
            dev.galvani.attribution.report.Report rep = new dev.galvani.attribution.report.Report("Selectivity, probes and group ablation", out);
            List<List<Object>> summary = new ArrayList<>(), prefSummary = new ArrayList<>(), probes = new ArrayList<>();
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
                            + " training images, every accuracy on " + Math.min(evalExamples, im.heldOut().size()) + " test images). Units: channels averaged over "
                            + "positions after the non-linearity, or dense neurons. Groups: a " + grid + "x" + grid + " grid of quantile bins over (SI, A). "
                            + "Regressions across groups with standardised predictors; a term carries the effect when the F-test of the model without it "
                            + "against the model with it gives p < 0.05 (SI given A, A given SI, SI:A given SI + A).");
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
                    summary.add(summaryRow(model, l, r.units(), r.baseline(), r.overall()));
                    prefSummary.add(summaryRow(model, l, r.units(), r.baseline(), r.preferredClass()));
                    double meanPref = r.groups().stream().mapToDouble(dev.galvani.attribution.selectivity.SelectivityStudy.Group::preferredDeficit).average().orElse(Double.NaN);
                    double meanAll = r.groups().stream().mapToDouble(dev.galvani.attribution.selectivity.SelectivityStudy.Group::deficit).average().orElse(Double.NaN);
                    probes.add(List.of(model, l, r.units(), meanAll, meanPref, r.probeAccuracy(), r.probeUnitsUsed(), r.probeVsAblationSpearman(),
                            r.probeVsAblationJaccard(), r.probeSolver()));
                    var d = r.overall();
                    double[] c = d.interactionCoefficient();
                    System.out.printf(Locale.ROOT, "%-12s %-16s R² SI %.3f, A %.3f, SI+A %.3f, SI+A+SI:A %.3f; SI:A %.4f [%.4f, %.4f], F-test p %.3g; "
                                    + "carried by %s; preferred-class deficit carried by %s; probe acc %.3f%n",
                            model, l, d.siOnly().r2(), d.aOnly().r2(), d.additive().r2(), d.full().r2(), c[0], c[1], c[2], d.interaction().p(),
                            d.carriers(), r.preferredClass().carriers(), r.probeAccuracy());
                }
            }
            List<String> head = List.of("model", "layer", "units", "baseline acc", "R² SI", "R² A", "R² SI+A", "R² SI+A+SI:A",
                    "SI:A coefficient [95% CI]", "F (SI:A)", "p (SI:A)", "p (SI | A)", "p (A | SI)", "carried by");
            rep.table("Summary, overall deficit: which term carries the effect (F-tests of nested models)", "summary", head, summary);
            rep.table("Summary, preferred-class deficit", "summary_preferred", head, prefSummary);
            rep.table("Mean deficits over the grid's groups and the probes", "probes", List.of("model", "layer", "units", "mean overall deficit",
                    "mean preferred-class deficit", "probe acc", "units with weight", "probe vs ablation Spearman", "top-10% Jaccard", "probe solver"), probes);
            System.out.println("report: " + rep.write());
        }
    }
}
