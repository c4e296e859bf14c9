package dev.galvani.cli;

import dev.galvani.kernels.Device;
import dev.galvani.attribution.interactions.AndOrDecomposition;
import dev.galvani.attribution.interactions.extract.LinearReadout;
import dev.galvani.attribution.linear.LogisticRegression;
import dev.galvani.attribution.selectivity.SelectivityStudy;
import dev.galvani.attribution.studies.AblationStudy;
import dev.galvani.attribution.studies.FeatureSelectionStudy;
import dev.galvani.attribution.studies.InteractionStudy;
import dev.galvani.attribution.studies.TextFilterStudy;
import dev.galvani.models.ModelInputs;
import dev.galvani.models.SavedModel;
import dev.galvani.models.data.Examples;
import dev.galvani.models.data.ImageDataset;
import dev.galvani.models.data.Splits;
import dev.galvani.models.data.TextDataset;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code galvani study ...}: the papers' experiments (attribution.studies), each writing an HTML report with CSV beside it. */
@Command(name = "study", description = "Reproduce the papers' experiments; each writes an HTML report with PNG figures and CSV/JSON.",
        subcommands = {StudyCommand.Ablation.class, StudyCommand.FeatureSelection.class, StudyCommand.TextFilters.class, StudyCommand.InteractionsStudy.class, StudyCommand.Selectivity.class})
final class StudyCommand {

    static void report(String text, Path page) {
        System.out.print(text);
        System.out.println("report: " + page);
    }

    @Command(name = "ablation", description = "Rank a layer's filters by conductance and its peers; remove them singly and cumulatively, zeroed and patched to the baseline's value (Dhamdhere et al., experiment 1).")
    static final class Ablation implements Runnable {
        @Option(names = "--checkpoint", defaultValue = "runs/inception.safetensors", paramLabel = "FILE", description = "An Inception-style net's checkpoint.") Path checkpoint;
        @Option(names = "--layer", defaultValue = AblationStudy.Config.LAYER, paramLabel = "NAME", description = "The layer whose filters are ranked and ablated.") String layer;
        @Option(names = "--indices", defaultValue = AblationStudy.Config.EXAMPLES, paramLabel = "LIST", description = "Held-out images studied, like 0-31.") String indices;
        @Option(names = "--steps", defaultValue = "" + AblationStudy.Config.STEPS, description = "Integration steps of the attributions that rank the filters.") int steps;
        @Option(names = "--top", defaultValue = "" + AblationStudy.Config.TOP, paramLabel = "K", description = "Remove the top 1, 2, ..., K filters of each ranking cumulatively.") int top;
        @Option(names = "--max-rows", paramLabel = "N", description = "Memory bound: most rows in one pass (default: what half the free heap holds, at most 64 with a backward sweep, 512 without).") Integer maxRows;
        @Option(names = "--seed", defaultValue = "0", description = "Seed of the random order compared with the rankings.") long seed;
        @Option(names = "--out", defaultValue = "reports/ablation", paramLabel = "DIR", description = "Report folder.") Path out;
        @Mixin DataOptions data;
        @Mixin DeviceOption device;

        @Override
        public void run() {
            device.hostOnly("study ablation");
            SavedModel m = ModelInputs.forStudy(checkpoint, "inception", "galvani train --model inception --data fashion-mnist --epochs 4 --out " + checkpoint);
            m.model().module(layer);
            Examples ex = ModelInputs.heldOut(m, data.dataDir, indices, m.data());
            AblationStudy.Result r = AblationStudy.run(m.model(), ex.x(), new AblationStudy.Config(layer, steps, top, maxRows, seed));
            report(r.text(), AblationStudy.report(r, out, ModelInputs.describe(m, checkpoint)));
        }
    }

    @Command(name = "text-filters", description = "Conductance of the text CNN's max-pooled filters: positive, negative and negation filters (experiment 3).")
    static final class TextFilters implements Runnable {
        @Option(names = "--checkpoint", defaultValue = "runs/textcnn-mr.safetensors", paramLabel = "FILE", description = "A text CNN's checkpoint.") Path checkpoint;
        @Option(names = "--sentences", defaultValue = "" + TextFilterStudy.SENTENCES, description = "Held-out sentences attributed (the first N).") int sentences;
        @Option(names = "--steps", defaultValue = "" + TextFilterStudy.STEPS, description = "Integration steps of the conductance.") int steps;
        @Option(names = "--seed", description = "Split seed (default: the checkpoint's; another is refused).") Long seed;
        @Option(names = "--fold", description = "MR fold (default: the checkpoint's held-out fold; another is refused).") Integer fold;
        @Option(names = "--out", defaultValue = "reports/text-filters", paramLabel = "DIR", description = "Report folder.") Path out;
        @Mixin DataOptions data;
        @Mixin DeviceOption device;

        @Override
        public void run() {
            device.hostOnly("study text-filters");
            SavedModel m = ModelInputs.forStudy(checkpoint, "textcnn", "galvani train --model textcnn --data mr --epochs 4 --out " + checkpoint);
            TextDataset heldOut = data.text(data.evaluation(m, checkpoint, null, fold, seed)).heldOut();
            TextFilterStudy.Result r = TextFilterStudy.run(m.model(), heldOut, ModelInputs.vocabulary(m), sentences, steps);
            report(r.text(), TextFilterStudy.report(r, out, ModelInputs.describe(m, checkpoint)));
        }
    }

    @Command(name = "feature-selection", description = "Top-k filters by each method as features for a logistic regression (experiment 2): "
            + "two natural class groups and two random halves, few training images per side, several seeds.")
    static final class FeatureSelection implements Runnable {
        @Option(names = "--checkpoint", defaultValue = "runs/inception.safetensors", paramLabel = "FILE", description = "An Inception-style net's checkpoint.") Path checkpoint;
        @Option(names = "--layer", split = ",", defaultValue = FeatureSelectionStudy.Config.LAYERS, paramLabel = "NAME", description = "Layers whose filters are the features.") List<String> layers;
        @Option(names = "--train-per-side", split = ",", defaultValue = FeatureSelectionStudy.Config.TRAIN_PER_SIDE, paramLabel = "N",
                description = "Training images per side, ascending; the positive ones are also the images scored.") List<Integer> trainPerSide;
        @Option(names = "--test-per-side", defaultValue = "" + FeatureSelectionStudy.Config.TEST_PER_SIDE, paramLabel = "N", description = "Held-out images per side of each task.") int testPerSide;
        @Option(names = "--steps", defaultValue = "" + FeatureSelectionStudy.Config.STEPS, paramLabel = "N", description = "Integration steps of the attributions.") int steps;
        @Option(names = "--seeds", defaultValue = "" + FeatureSelectionStudy.Config.SEEDS, paramLabel = "N", description = "Draws of the images per task.") int seeds;
        @Option(names = "--random-tasks", defaultValue = "" + FeatureSelectionStudy.Config.RANDOM_TASKS, paramLabel = "N", description = "Tasks of random halves of the classes.") int randomTasks;
        @Option(names = "--group", paramLabel = "NAME=c1,c2,...",
                description = "A natural group task, repeatable (default on Fashion-MNIST: footwear=5,7,9 and upper-body garments=0,2,4,6; else classes 0-2 and 3-6).") List<String> groups;
        @Option(names = "--seed", defaultValue = "0", description = "Seed of the random tasks and the image draws.") long seed;
        @Option(names = "--out", defaultValue = "reports/feature-selection", paramLabel = "DIR", description = "Report folder.") Path out;
        @Mixin DataOptions data;
        @Mixin DeviceOption device;

        @Override
        public void run() {
            device.hostOnly("study feature-selection");
            SavedModel m = ModelInputs.forStudy(checkpoint, "inception", "galvani train --model inception --data fashion-mnist --epochs 4 --out " + checkpoint);
            for (String l : layers) m.model().module(l);
            Splits.Split<ImageDataset> im = data.images(m.data());
            List<FeatureSelectionStudy.Group> gs = groups == null ? FeatureSelectionStudy.defaultGroups(im.train().name())
                    : groups.stream().map(FeatureSelectionStudy::parseGroup).toList();
            var tasks = FeatureSelectionStudy.tasks(gs, im.train().classes(), randomTasks, seed);
            var cfg = new FeatureSelectionStudy.Config(layers, trainPerSide.stream().mapToInt(Integer::intValue).toArray(), testPerSide, steps, seeds, seed);
            var r = FeatureSelectionStudy.run(m.model(), im.train(), im.heldOut(), tasks, cfg);
            report(FeatureSelectionStudy.text(r), FeatureSelectionStudy.report(r, out, ModelInputs.describe(m, checkpoint)));
        }
    }

    @Command(name = "interactions", description = "AND/OR interactions at every layer, learned and forgotten, generalisation and noise stability by order (Cheng et al. 2024).")
    static final class InteractionsStudy implements Runnable {
        @Option(names = "--checkpoint", defaultValue = "runs/inception.safetensors", paramLabel = "FILE", description = "The net studied (image or text).") Path checkpoint;
        @Option(names = "--checkpoint2", paramLabel = "FILE", description = "A second net trained on the same task (other seed or architecture), for generalisation.") Path checkpoint2;
        @Option(names = "--layer", split = ",", paramLabel = "NAME",
                description = "Layers studied (default: conv2,inception3a,inception3b,inception4a for images; conv3.relu,features for text).") List<String> layers;
        @Option(names = "--samples", defaultValue = "" + InteractionStudy.SAMPLES, description = "Held-out examples studied: the first test images, or held-out sentences of --variables to --variables + 5 words.") int samples;
        @Option(names = "--variables", defaultValue = "" + InteractionStudy.VARIABLES, description = "Players per example: image patches (cells of the grid) or words.") int variables;
        @Option(names = "--grid", defaultValue = "" + InteractionStudy.GRID, description = "Images: a grid of g x g cells, of which --variables are players.") int grid;
        @Option(names = "--iterations", defaultValue = "" + InteractionStudy.ITERATIONS, description = "Iterations of the AND-OR decomposition (the reference's).") int iterations;
        @Option(names = "--lr", defaultValue = "" + InteractionStudy.LR, description = "SGD: initial learning rate, decaying log-linearly to a tenth (the reference's).") double lr;
        @Option(names = "--solver", defaultValue = "PRIMAL_DUAL", description = "PRIMAL_DUAL (within a few per cent of the exact optimum) or SGD (the reference's; its absolute step overshoots games of small scale).") AndOrDecomposition.Solver solver;
        @Option(names = "--merge", defaultValue = "ORDER_AT_MOST_ONE", description = "OR terms merged into AND afterwards: ${COMPLETION-CANDIDATES}.") AndOrDecomposition.Merge merge;
        @Option(names = "--salient", defaultValue = "" + InteractionStudy.SALIENT, description = "Salient: |I| above this fraction of the sample's largest |I|.") double salient;
        @Option(names = "--readout-examples", defaultValue = "" + InteractionStudy.READOUT_EXAMPLES, description = "Training examples of each layer's linear readout.") int readoutExamples;
        @Option(names = "--readout-test", defaultValue = "" + InteractionStudy.READOUT_TEST, description = "Held-out examples for the readouts' accuracy.") int readoutTest;
        @Option(names = "--readout-epochs", defaultValue = "" + InteractionStudy.READOUT_EPOCHS, description = "Epochs of each readout's training.") int readoutEpochs;
        @Option(names = "--readout-memory", defaultValue = "" + InteractionStudy.READOUT_MEMORY_MIB, paramLabel = "MIB", description = "MiB for a layer's flattened readout features; above it the layer is mean-pooled (reported).") long readoutMemory;
        @Option(names = "--noise-draws", defaultValue = "" + InteractionStudy.NOISE_DRAWS, description = "Noisy copies of each sample for the stability measure (0: off).") int noiseDraws;
        @Option(names = "--noise-std", defaultValue = "" + InteractionStudy.NOISE_STD, description = "Noise standard deviation relative to the RMS of the masked input or embedding.") double noiseStd;
        @Option(names = "--max-rows", defaultValue = "" + InteractionStudy.MAX_ROWS, paramLabel = "N", description = "Memory bound: most masked samples in one pass.") int maxRows;
        @Option(names = "--seed", defaultValue = "0", description = "Seed of the players, the readouts and the noise.") long seed;
        @Option(names = "--out", defaultValue = "reports/interactions", paramLabel = "DIR", description = "Report folder.") Path out;
        @Mixin DataOptions data;
        @Mixin DeviceOption device;

        @Override
        public void run() {
            Device where = device.install();
            SavedModel m = ModelInputs.forStudy(checkpoint, null, "galvani train --model inception --data fashion-mnist --out " + checkpoint);
            SavedModel m2 = checkpoint2 == null ? null : ModelInputs.forStudy(checkpoint2, null, "galvani train ... --seed 1 --out " + checkpoint2);
            m.model().to(where);
            if (m2 != null) m2.model().to(where);
            if (m2 != null) m.data().requireSameInputs(m2.data(), "checkpoint " + checkpoint, "checkpoint " + checkpoint2);
            boolean text = m.isText();
            List<String> ls = layers != null ? layers : InteractionStudy.defaultLayers(text);
            for (String l : ls) m.model().module(l);
            var decomposition = AndOrDecomposition.Options.defaults().withLr(lr).withIterations(iterations).withMerge(merge).withSolver(solver).withCheckpoints(200);
            var cfg = new InteractionStudy.Config(text ? "embedding" : null, maxRows, decomposition, noiseDraws, noiseStd, salient, seed);
            var readoutOptions = LinearReadout.Options.defaults().withExamples(readoutExamples, readoutTest).withEpochs(readoutEpochs)
                    .withMaxBytes(readoutMemory << 20).withSeed(seed);
            InteractionStudy.Prepared p = InteractionStudy.prepare(m, data.dataDir, samples, variables, grid, seed);
            if (p.samples().size() < samples) System.err.println("galvani: only " + p.samples().size() + " samples qualify (asked for " + samples + ")");
            long t0 = System.nanoTime();
            var readouts = LinearReadout.train(m.model(), p.train(), p.test(), ls, readoutOptions);
            double readoutSeconds = (System.nanoTime() - t0) / 1e9;
            var r = InteractionStudy.run(m.model(), m2 == null ? null : m2.model(), p.samples(), readouts, cfg);
            r.seconds().put("readouts", readoutSeconds);
            String second = m2 == null ? "" : " Second net for generalisation: " + m2.architecture() + " from " + checkpoint2 + ".";
            report(InteractionStudy.text(r), InteractionStudy.report(r, out, ModelInputs.describe(m, checkpoint) + ". " + p.setup() + second,
                    (i, x) -> p.descriptions().get(i) + " — " + String.join("; ", InteractionStudy.top(x, p.players().get(i), 5))));
        }
    }

    @Command(name = "selectivity", description = "Class selectivity, probes and group ablation across network families (Hayne et al. 2022).")
    static final class Selectivity implements Runnable {
        @Option(names = "--models", split = ",", defaultValue = SelectivityStudy.Config.MODELS, paramLabel = "MODEL", description = "Network families compared, each from RUNS/MODEL.safetensors.") List<String> models;
        @Option(names = "--layer", split = ",", paramLabel = "MODEL:LAYER", description = "Layers studied, as MODEL:LAYER pairs (default: an early and a late post-activation layer per model).") List<String> layers;
        @Option(names = "--runs-dir", defaultValue = "runs", paramLabel = "RUNS", description = "Where the MODEL.safetensors checkpoints are.") Path runs;
        @Option(names = "--grid", defaultValue = "" + SelectivityStudy.Config.GRID, description = "Groups: a g x g grid of quantile bins over (selectivity, activity).") int grid;
        @Option(names = "--stats-examples", defaultValue = "" + SelectivityStudy.Config.STATS_EXAMPLES, description = "Training images for the unit statistics and the probes.") int statsExamples;
        @Option(names = "--eval-examples", defaultValue = "" + SelectivityStudy.Config.EVAL_EXAMPLES, description = "Test images for every accuracy (all of them when at least the test set's size).") int evalExamples;
        @Option(names = "--single-units", defaultValue = "" + SelectivityStudy.Config.SINGLE_UNITS, description = "Units ablated one at a time (a seeded sample).") int singleUnits;
        @Option(names = "--random-repeats", defaultValue = "" + SelectivityStudy.Config.RANDOM_REPEATS, description = "Random groups ablated per size, for comparison.") int randomRepeats;
        @Option(names = "--probe", defaultValue = SelectivityStudy.Config.PROBE, description = "Penalty of the linear probe: l1 (solved to the optimum by FISTA) or l2.") String probe;
        @Option(names = "--probe-lambda", paramLabel = "LAMBDA", description = "Penalty weight on the mean cross-entropy (default: 1e-3 for l1, 1e-4 for l2).") Double probeLambda;
        @Option(names = "--shift-negative", description = "Shift negative class means to zero instead of refusing the layer.") boolean shift;
        @Option(names = "--seed", defaultValue = "1", description = "Seed of the samples, the probes and the random groups.") long seed;
        @Option(names = "--out", defaultValue = "reports/selectivity", paramLabel = "DIR", description = "Report folder.") Path out;
        @Mixin DataOptions data;
        @Mixin DeviceOption device;

        @Override
        public void run() {
            device.hostOnly("study selectivity");
            LogisticRegression.Penalty penalty = LogisticRegression.Penalty.parse(probe);
            var cfg = new SelectivityStudy.Config(grid, statsExamples, evalExamples, singleUnits, randomRepeats, penalty,
                    probeLambda != null ? probeLambda : SelectivityStudy.Config.defaultLambda(penalty), shift, seed);
            Map<String, SavedModel> checkpoints = new LinkedHashMap<>();
            for (String model : models) {
                Path ck = runs.resolve(model + ".safetensors");
                checkpoints.put(model, ModelInputs.forStudy(ck, model, "galvani train --model " + model + " --data fashion-mnist --out " + ck));
            }
            SelectivityStudy.Comparison c = SelectivityStudy.compare(checkpoints, SelectivityStudy.layers(layers, models), data.dataDir, cfg, out);
            report(c.text(), c.page());
        }
    }
}
