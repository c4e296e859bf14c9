package dev.galvani.cli;

import dev.galvani.kernels.Device;
import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.F;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.autodiff.Grad;
import dev.galvani.models.SavedModel;
import dev.galvani.models.io.InputFiles;
import dev.galvani.models.progress.Progress;
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
    @Option(names = "--images", description = "A folder with one subfolder of images (or .npy arrays) per class, classes numbered in sorted order (torchvision's ImageFolder)") Path images;
    @Option(names = "--batch", defaultValue = "16", description = "Inputs per forward pass with --images (default ${DEFAULT-VALUE})") int batch;
    @Option(names = "--fold", description = "MR fold to score (default: the checkpoint's held-out fold; another fold of its data set is refused)") Integer fold;
    @Option(names = "--seed", description = "Split seed (default: the checkpoint's; another seed of its data set is refused)") Long seed;
    @Mixin DataOptions dataOptions;
    @Mixin ImageOptions imageOptions;
    @Mixin DeviceOption device;

    @Override
    public void run() {
        Device where = device.install();
        SavedModel m = SavedModel.load(checkpoint);
        m.model().to(where);
        if (images != null) {
            evalFolder(m);
            return;
        }
        if (m.onnx() != null && !Inputs.fitsImageData(m)) {
            throw new GalvaniException(checkpoint + ": an ONNX model carries no data set; give --images DIR (one subfolder of images per class)");
        }
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
        report(Trainer.confusion(m.model(), test, 256), names, test.size(), what);
    }

    /** Accuracy (top-1, top-5) of a labelled folder, and the confusion matrix when there are few classes. */
    private void evalFolder(SavedModel m) {
        if (batch < 1) throw new GalvaniException("--batch must be at least 1, got " + batch);
        List<String> classes = new java.util.ArrayList<>();
        List<InputFiles.Labelled> files = InputFiles.labelled(images, classes);
        int k = classes.size(), ok = 0, top5 = 0;
        int[][] cm = new int[k][k];
        Progress bar = Progress.start("eval", files.size(), "images");
        for (int b0 = 0; b0 < files.size(); b0 += batch) {
            List<InputFiles.Labelled> part = files.subList(b0, Math.min(files.size(), b0 + batch));
            Inputs.Examples ex = Inputs.files(m, part.stream().map(InputFiles.Labelled::file).toList(), imageOptions);
            if (ex.x().size(0) != part.size()) throw new GalvaniException(images + ": a .npy file holds several inputs; give one per file");
            Tensor logits;
            try (Grad.Scope s = Grad.off()) {
                logits = m.model().call(ex.x().to(m.model().device())).toHost(); // scores are results
            }
            if (logits.dim() != 2) throw new GalvaniException(checkpoint + ": output " + logits.shapeString() + " is not [N, classes]");
            int nc = logits.size(1);
            for (int i = 0; i < part.size(); i++) {
                int y = part.get(i).label(), rank = 0;
                float v = logits.get(i, y < nc ? y : 0);
                for (int c = 0; c < nc; c++) if (logits.get(i, c) > v) rank++;
                int pred = F.argmax(logits.rows(i, i + 1))[0];
                if (y < nc && rank == 0) ok++;
                if (y < nc && rank < 5) top5++;
                if (pred < k) cm[y][pred]++;
            }
            bar.step(part.size());
        }
        bar.close();
        System.out.printf(java.util.Locale.ROOT, "accuracy %.4f (%d/%d), top-5 %.4f, on %d images of %d classes (class i = the i-th subfolder of %s in sorted order)%n",
                (double) ok / files.size(), ok, files.size(), (double) top5 / files.size(), files.size(), k, images);
        if (k <= 20) report(cm, classes, files.size(), "the labelled images in " + images);
    }

    private static void report(int[][] cm, List<String> names, int size, String what) {
        long ok = 0, all = 0;
        for (int i = 0; i < cm.length; i++) for (int j = 0; j < cm.length; j++) {
            all += cm[i][j];
            if (i == j) ok += cm[i][j];
        }
        System.out.printf("accuracy %.4f (%d/%d) on %d examples: %s%n", (double) ok / all, ok, all, size, what);
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
