package dev.galvani.models;

import dev.galvani.engine.F;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.autodiff.Grad;
import dev.galvani.engine.nn.Module;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Class probabilities (softmax of the logits) for a batch of inputs, as text (classes by
 * probability, the {@code top} most likely) and as JSON: per input its description, the predicted
 * class and every class's probability.
 */
public record Predictions(List<String> descriptions, List<String> classNames, Tensor probabilities) {

    /** Runs the model in evaluation mode, without a graph, on {@code x} [N, ...]. */
    public static Predictions of(Module model, Tensor x, List<String> descriptions, List<String> classNames) {
        Tensor p;
        try (Module.Mode e = model.evaluating(); Grad.Scope g = Grad.off()) {
            p = F.softmax(model.call(x.to(model.device())), 1).toHost();
        }
        List<String> names = new ArrayList<>(classNames);
        for (int c = names.size(); c < p.size(1); c++) names.add("class " + c);
        return new Predictions(descriptions, names, p);
    }

    /** Example i's classes, most probable first. */
    public int[] ranking(int i) {
        Integer[] order = new Integer[probabilities.size(1)];
        for (int c = 0; c < order.length; c++) order[c] = c;
        Arrays.sort(order, (a, b) -> Float.compare(probabilities.get(i, b), probabilities.get(i, a)));
        return Arrays.stream(order).mapToInt(Integer::intValue).toArray();
    }

    public Map<String, Object> json() {
        List<Object> inputs = new ArrayList<>();
        for (int i = 0; i < probabilities.size(0); i++) {
            Map<String, Object> e = new LinkedHashMap<>();
            int best = ranking(i)[0];
            e.put("input", descriptions.get(i));
            e.put("predicted", best);
            e.put("predicted_name", classNames.get(best));
            double[] p = new double[probabilities.size(1)];
            for (int c = 0; c < p.length; c++) p[c] = probabilities.get(i, c);
            e.put("probabilities", p);
            inputs.add(e);
        }
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("classes", classNames);
        j.put("inputs", inputs);
        return j;
    }

    /** Per input, its description and its {@code top} most probable classes (all of them when there are at most 10). */
    public String text(int top) {
        StringBuilder sb = new StringBuilder();
        int k = probabilities.size(1), shown = k > 10 ? Math.max(1, Math.min(top, k)) : k;
        for (int i = 0; i < probabilities.size(0); i++) {
            sb.append(descriptions.get(i)).append('\n');
            int[] order = ranking(i);
            for (int j = 0; j < shown; j++) {
                sb.append(String.format(Locale.ROOT, "  %-14s %.4f%n", classNames.get(order[j]), probabilities.get(i, order[j])));
            }
        }
        return sb.toString();
    }
}
