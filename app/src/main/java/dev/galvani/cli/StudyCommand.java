package dev.galvani.cli;

import dev.galvani.attribution.studies.AblationStudy;
import dev.galvani.attribution.studies.TextFilterStudy;
import dev.galvani.engine.GalvaniException;
import dev.galvani.models.SavedModel;
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
        subcommands = {StudyCommand.Ablation.class, StudyCommand.FeatureSelection.class, StudyCommand.TextFilters.class})
final class StudyCommand {

    static SavedModel checkpoint(Path p, String expected, String trainHint) {
        if (!java.nio.file.Files.isRegularFile(p)) {
            throw new GalvaniException("checkpoint " + p + " not found; train one first: " + trainHint);
        }
        SavedModel m = SavedModel.load(p);
        if (expected != null && !m.architecture().equals(expected)) {
            throw new GalvaniException("checkpoint " + p + " holds a '" + m.architecture() + "' model; this study needs '" + expected + "'");
        }
        return m;
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
            device.install();
            SavedModel m = checkpoint(checkpoint, "inception", "galvani train --model inception --data fashion-mnist --epochs 4 --out " + checkpoint);
            m.model().module(layer);
            Inputs.Examples ex = Inputs.fromTestSplit(m, data, indices, seed);
            AblationStudy.Result r = AblationStudy.run(m.model(), ex.x(), new AblationStudy.Config(layer, steps, maxK, maxRows, seed));
            Path page = AblationStudy.report(r, out, m.architecture() + " from " + checkpoint + " (" + m.get("data", "?") + ", test accuracy " + m.get("test_accuracy", "?") + ")");
            for (AblationStudy.MethodSummary s : r.summary()) {
                System.out.printf(Locale.ROOT, "%-22s mean Spearman %6.3f  median flip k %5.1f  flipped %d/%d%n", s.method(), s.meanSpearman(), s.medianFlipK(), s.flipped(), s.examples());
            }
            System.out.println("report: " + page);
        }
    }

    @Command(name = "text-filters", description = "Conductance of the text CNN's max-pooled filters: positive, negative and negation filters (experiment 3).")
    static final class TextFilters implements Runnable {
        @Option(names = "--checkpoint", defaultValue = "runs/textcnn-mr.safetensors") Path checkpoint;
        @Option(names = "--sentences", defaultValue = "500", description = "Held-out sentences to attribute") int sentences;
        @Option(names = "--steps", defaultValue = "32") int steps;
        @Option(names = "--seed", defaultValue = "0") long seed;
        @Option(names = "--fold", defaultValue = "0") int fold;
        @Option(names = "--out", defaultValue = "reports/text-filters") Path out;
        @Mixin DataOptions data;
        @Mixin DeviceOption device;

        @Override
        public void run() {
            device.install();
            SavedModel m = checkpoint(checkpoint, "textcnn", "galvani train --model textcnn --data mr --epochs 4 --out " + checkpoint);
            String name = m.get("data", "generated-sentiment");
            TextDataset test = data.text(name, Integer.parseInt(m.get("fold", Integer.toString(fold))), seed)[1];
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
        @Option(names = "--seed", defaultValue = "0") long seed;
        @Option(names = "--out", defaultValue = "reports/feature-selection") Path out;
        @Mixin DataOptions data;
        @Mixin DeviceOption device;

        @Override
        public void run() {
            device.install();
            SavedModel m = checkpoint(checkpoint, "inception", "galvani train --model inception --data fashion-mnist --epochs 4 --out " + checkpoint);
            m.model().module(layer);
            if (attributionImages < 1 || trainPerSide < 2 || testPerSide < 1 || randomTasks < 1) {
                throw new GalvaniException("--attribution-images, --test-per-side and --random-tasks must be at least 1, --train-per-side at least 2");
            }
            String name = m.get("data", "auto");
            DataOptions.Images im = data.images(name.equals("fashion-mnist") || name.equals("generated") ? name : "auto");
            boolean fashion = im.train().name().startsWith("fashion");
            var tasks = dev.galvani.attribution.studies.FeatureSelectionStudy.tasks(fashion ? "footwear vs rest" : "classes 0-2 vs rest",
                    fashion ? new int[] {5, 7, 9} : new int[] {0, 1, 2}, 10, randomTasks, seed);
            var cfg = new dev.galvani.attribution.studies.FeatureSelectionStudy.Config(layer, attributionImages, trainPerSide, testPerSide, steps, randomTasks, seed);
            var r = dev.galvani.attribution.studies.FeatureSelectionStudy.run(m.model(), im.train(), im.test(), tasks, cfg);
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
}
