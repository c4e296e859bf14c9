package dev.galvani.models.train;

import dev.galvani.engine.nn.Module;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A model's accuracy and confusion matrix ({@code confusion[true][predicted]}) on a labelled data
 * set, as text for a terminal and as JSON: {@code accuracy}, {@code correct}, {@code examples},
 * {@code classes} and {@code confusion}.
 */
public record Evaluation(String data, List<String> classNames, int[][] confusion) {

    /** Evaluates the model (evaluation mode, no graph) on every example of {@code test}. */
    public static Evaluation of(Module model, Dataset test, String data, List<String> classNames) {
        return new Evaluation(data, classNames, Trainer.confusion(model, test, 256));
    }

    public long correct() {
        long ok = 0;
        for (int i = 0; i < confusion.length; i++) ok += confusion[i][i];
        return ok;
    }

    public long examples() {
        long all = 0;
        for (int[] row : confusion) for (int c : row) all += c;
        return all;
    }

    public double accuracy() {
        return examples() == 0 ? Double.NaN : (double) correct() / examples();
    }

    public Map<String, Object> json() {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("data", data);
        j.put("accuracy", accuracy());
        j.put("correct", correct());
        j.put("examples", examples());
        j.put("classes", classNames);
        List<Object> rows = new ArrayList<>();
        for (int[] row : confusion) rows.add(row);
        j.put("confusion", rows);
        return j;
    }

    public String text() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "accuracy %.4f (%d/%d) on %d examples: %s%n", accuracy(), correct(), examples(), examples(), data));
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
