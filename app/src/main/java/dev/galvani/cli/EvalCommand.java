package dev.galvani.cli;

import dev.galvani.engine.GalvaniException;
import dev.galvani.models.SavedModel;
import dev.galvani.models.data.DataSpec;
import dev.galvani.models.data.FashionMnist;
import dev.galvani.models.data.ImageDataset;
import dev.galvani.models.data.SentimentData;
import dev.galvani.models.data.Splits;
import dev.galvani.models.data.TextDataset;
import dev.galvani.models.train.Dataset;
import dev.galvani.models.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;

/** {@code galvani eval}: accuracy and confusion matrix of a checkpoint on a test split or a file. */
@Command(name = "eval", description = "Accuracy and confusion matrix on the test split of the checkpoint's data set, or on a file.")
final class EvalCommand implements Runnable {
    @Option(names = "--checkpoint", required = true) Path checkpoint;
    @Option(names = "--data", description = "Data set (default: the one the checkpoint was trained on)") String data;
    @Option(names = "--data-file", description = "Images: an IDX images .gz (labels from --labels-file); text: a TSV 'label<TAB>sentence' with header") Path dataFile;
    @Option(names = "--labels-file", description = "IDX labels .gz for --data-file images") Path labelsFile;
    @Option(names = "--fold", description = "MR fold to score (default: the checkpoint's held-out fold; another fold of its data set is refused)") Integer fold;
    @Option(names = "--seed", description = "Split seed (default: the checkpoint's; another seed of its data set is refused)") Long seed;
    @Mixin DataOptions dataOptions;
    @Mixin DeviceOption device;

    @Override
    public void run() {
        device.install();
        SavedModel m = SavedModel.load(checkpoint);
        List<String> names = m.data().classNames();
        Dataset test;
        String what;
        if (dataFile != null) {
            if (data != null || fold != null || seed != null) throw new GalvaniException("--data-file scores that file; --data, --fold and --seed do not apply");
            if (Inputs.isText(m)) {
                TextDataset t = SentimentData.sst2File(dataFile);
                Splits.requireUsable(dataFile.toString(), "file", t.labels(), names, false);
                test = t.encoded(Inputs.vocabulary(m));
            } else {
                if (labelsFile == null) throw new GalvaniException("--data-file with images needs --labels-file");
                float[] px = m.data().normalise(FashionMnist.images(dataFile));
                int[] y = FashionMnist.labels(labelsFile, px.length / 784, names.size());
                Splits.requireUsable(dataFile.toString(), "file", y, names, false);
                test = new ImageDataset(dataFile.toString(), px, y, 28, 28, names, m.data().mean(), m.data().std());
            }
            what = dataFile.toString();
        } else {
            DataSpec spec = dataOptions.evaluation(m, checkpoint, data, fold, seed);
            test = Splits.heldOut(spec, dataOptions.dataDir, "checkpoint " + checkpoint);
            names = spec.classNames();
            what = "the held-out part of " + spec.describe();
        }
        int[][] cm = Trainer.confusion(m.model(), test, 256);
        long ok = 0, all = 0;
        for (int i = 0; i < cm.length; i++) for (int j = 0; j < cm.length; j++) {
            all += cm[i][j];
            if (i == j) ok += cm[i][j];
        }
        System.out.printf("accuracy %.4f (%d/%d) on %d examples: %s%n", (double) ok / all, ok, all, test.size(), what);
        System.out.println("confusion matrix (rows: true, columns: predicted):");
        StringBuilder sb = new StringBuilder(String.format("%14s", ""));
        for (int j = 0; j < cm.length; j++) sb.append(String.format("%7d", j));
        System.out.println(sb);
        for (int i = 0; i < cm.length; i++) {
            sb = new StringBuilder(String.format("%2d %-11s", i, abbreviate(names.get(i))));
            for (int j = 0; j < cm.length; j++) sb.append(String.format("%7d", cm[i][j]));
            System.out.println(sb);
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 11 ? s.substring(0, 11) : s;
    }
}
