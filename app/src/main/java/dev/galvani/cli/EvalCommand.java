package dev.galvani.cli;

import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.F;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.autodiff.Grad;
import dev.galvani.models.SavedModel;
import dev.galvani.models.io.InputFiles;
import dev.galvani.models.progress.Progress;
import dev.galvani.models.data.FashionMnist;
import dev.galvani.models.data.ImageDataset;
import dev.galvani.models.data.SentimentData;
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
    @Option(names = "--fold", defaultValue = "0") int fold;
    @Option(names = "--seed", defaultValue = "0") long seed;
    @Mixin DataOptions dataOptions;
    @Mixin ImageOptions imageOptions;
    @Mixin DeviceOption device;

    @Override
    public void run() {
        device.install();
        SavedModel m = SavedModel.load(checkpoint);
        if (images != null) {
            evalFolder(m);
            return;
        }
        if (m.onnx() != null && !Inputs.fitsImageData(m)) {
            throw new GalvaniException(checkpoint + ": an ONNX model carries no data set; give --images DIR (one subfolder of images per class)");
        }
        Dataset test;
        List<String> names;
        if (Inputs.isText(m)) {
            TextDataset t;
            if (dataFile != null) {
                t = SentimentData.sst2File(dataFile);
            } else {
                t = dataOptions.text(data != null ? data : m.get("data", "generated-sentiment"), fold, seed)[1];
            }
            test = t.encoded(Inputs.vocabulary(m));
            names = t.classNames();
        } else {
            ImageDataset d;
            if (dataFile != null) {
                if (labelsFile == null) throw new GalvaniException("--data-file with images needs --labels-file");
                float[] px = FashionMnist.images(dataFile);
                int[] y = FashionMnist.labels(labelsFile, px.length / 784, 10);
                float mean = Float.parseFloat(m.get("mean", "0")), std = Float.parseFloat(m.get("std", "1"));
                for (int i = 0; i < px.length; i++) px[i] = (px[i] - mean) / std;
                d = new ImageDataset(dataFile.toString(), px, y, 28, 28, Inputs.classNames(m, 10), mean, std);
            } else {
                d = dataOptions.images(data != null ? data : m.get("data", "auto")).test();
            }
            test = d;
            names = d.classNames();
        }
        report(Trainer.confusion(m.model(), test, 256), names, test.size());
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
                logits = m.model().call(ex.x());
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
        if (k <= 20) report(cm, classes, files.size());
    }

    private static void report(int[][] cm, List<String> names, int size) {
        long ok = 0, all = 0;
        for (int i = 0; i < cm.length; i++) for (int j = 0; j < cm.length; j++) {
            all += cm[i][j];
            if (i == j) ok += cm[i][j];
        }
        System.out.printf("accuracy %.4f (%d/%d) on %d examples%n", (double) ok / all, ok, all, size);
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
