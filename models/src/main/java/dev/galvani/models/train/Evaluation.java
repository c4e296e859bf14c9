package dev.galvani.models.train;

import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.autodiff.Grad;
import dev.galvani.engine.nn.Module;
import dev.galvani.models.ModelInputs;
import dev.galvani.models.SavedModel;
import dev.galvani.models.io.InputFiles;
import dev.galvani.models.progress.Progress;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A model's accuracy and confusion matrix ({@code confusion[true][predicted]}, over the labelled
 * classes: a prediction of a class outside them counts as wrong but has no column) on labelled
 * data, and its top-5 accuracy where measured (NaN otherwise), as text for a terminal and as JSON:
 * {@code data}, {@code accuracy}, {@code correct}, {@code examples}, {@code top5_accuracy} (when
 * measured), {@code classes} and {@code confusion}.
 */
public record Evaluation(String data, List<String> classNames, int[][] confusion, long examples, long correct, double topFiveAccuracy) {

    /** Classes up to which the text shows the confusion matrix. */
    public static final int CONFUSION_SHOWN = 20;

    /** From a confusion matrix alone (every prediction a labelled class). */
    public Evaluation(String data, List<String> classNames, int[][] confusion) {
        this(data, classNames, confusion, sum(confusion, false), sum(confusion, true), Double.NaN);
    }

    private static long sum(int[][] cm, boolean diagonal) {
        long s = 0;
        for (int i = 0; i < cm.length; i++) for (int j = 0; j < cm[i].length; j++) if (!diagonal || i == j) s += cm[i][j];
        return s;
    }

    /** Evaluates the model (evaluation mode, no graph) on every example of {@code test}. */
    public static Evaluation of(Module model, Dataset test, String data, List<String> classNames) {
        return new Evaluation(data, classNames, Trainer.confusion(model, test, 256));
    }

    /**
     * Evaluates the model on a folder with one subfolder of images (or {@code .npy} arrays) per
     * class, classes numbered in sorted order (torchvision's ImageFolder), read {@code batch} files
     * at a time as {@link ModelInputs#batch} reads them ({@code resize}, {@code mean}, {@code std}:
     * null for the defaults); top-1 and top-5.
     */
    public static Evaluation ofFolder(SavedModel m, Path folder, int batch, Integer resize, float[] mean, float[] std) {
        if (batch < 1) throw new GalvaniException("--batch must be at least 1, got " + batch);
        List<String> classes = new ArrayList<>();
        List<InputFiles.Labelled> files = InputFiles.labelled(folder, classes);
        Counter counter = new Counter("the labelled images in " + folder + " (class i = the i-th subfolder in sorted order)", classes);
        try (Progress bar = Progress.start("eval", files.size(), "images"); Module.Mode e = m.model().evaluating()) {
            for (int b0 = 0; b0 < files.size(); b0 += batch) {
                List<InputFiles.Labelled> part = files.subList(b0, Math.min(files.size(), b0 + batch));
                Tensor x = ModelInputs.batch(m, part.stream().map(InputFiles.Labelled::file).toList(), resize, mean, std).x();
                if (x.size(0) != part.size()) throw new GalvaniException(folder + ": a .npy file holds several inputs; give one per file");
                try (Grad.Scope s = Grad.off()) {
                    counter.add(m.model().call(x.to(m.model().device())).toHost(), part.stream().mapToInt(InputFiles.Labelled::label).toArray());
                }
                bar.step(part.size());
            }
        }
        return counter.result();
    }

    /** Counts predictions batch by batch (inputs read one batch at a time), top-1 and top-5. */
    public static final class Counter {
        private final String data;
        private final List<String> classNames;
        private final int[][] confusion;
        private long seen, correct, topFive;

        public Counter(String data, List<String> classNames) {
            this.data = data;
            this.classNames = classNames;
            this.confusion = new int[classNames.size()][classNames.size()];
        }

        /** Adds a batch: the model's logits [N, classes] and the true classes. */
        public void add(Tensor logits, int[] labels) {
            if (logits.dim() != 2) throw new GalvaniException("the model's output " + logits.shapeString() + " is not [N, classes]");
            int nc = logits.size(1);
            for (int i = 0; i < labels.length; i++) {
                int y = labels[i], pred = 0, rank = 0;
                for (int c = 1; c < nc; c++) if (logits.get(i, c) > logits.get(i, pred)) pred = c;
                if (y < nc) for (int c = 0; c < nc; c++) if (logits.get(i, c) > logits.get(i, y)) rank++;
                if (y < nc && rank < 5) topFive++;
                if (pred == y) correct++;
                if (pred < confusion.length) confusion[y][pred]++;
                seen++;
            }
        }

        public Evaluation result() {
            return new Evaluation(data, classNames, confusion, seen, correct, seen == 0 ? Double.NaN : (double) topFive / seen);
        }
    }

    public double accuracy() {
        return examples == 0 ? Double.NaN : (double) correct / examples;
    }

    public Map<String, Object> json() {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("data", data);
        j.put("accuracy", accuracy());
        j.put("correct", correct);
        j.put("examples", examples);
        if (!Double.isNaN(topFiveAccuracy)) j.put("top5_accuracy", topFiveAccuracy);
        j.put("classes", classNames);
        List<Object> rows = new ArrayList<>();
        for (int[] row : confusion) rows.add(row);
        j.put("confusion", rows);
        return j;
    }

    /** The accuracy line (and top-5), then the confusion matrix when there are at most {@value #CONFUSION_SHOWN} classes. */
    public String text() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "accuracy %.4f (%d/%d)%s on %d examples: %s%n", accuracy(), correct, examples,
                Double.isNaN(topFiveAccuracy) ? "" : String.format(Locale.ROOT, ", top-5 %.4f,", topFiveAccuracy), examples(), data));
        if (confusion.length > CONFUSION_SHOWN) return sb.toString();
        sb.append("confusion matrix (rows: true, columns: predicted):\n");
        sb.append(String.format(Locale.ROOT, "%14s", ""));
        for (int j = 0; j < confusion.length; j++) sb.append(String.format(Locale.ROOT, "%7d", j));
        sb.append('\n');
        for (int i = 0; i < confusion.length; i++) {
            String name = i < classNames.size() ? classNames.get(i) : "class " + i;
            sb.append(String.format(Locale.ROOT, "%2d %-11s", i, name.length() > 11 ? name.substring(0, 11) : name));
            for (int j = 0; j < confusion.length; j++) sb.append(String.format(Locale.ROOT, "%7d", confusion[i][j]));
            sb.append('\n');
        }
        return sb.toString();
    }
}
