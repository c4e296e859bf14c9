package dev.galvani.attribution.ablation;

import dev.galvani.attribution.conductance.AttributionResult;
import dev.galvani.attribution.conductance.LayerConductance;
import dev.galvani.attribution.stats.Ranking;
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
 * What an {@link Ablation} does to each example's prediction: the units removed (given, or each
 * example's top filters by conductance), the predicted class's logit before and after, and the
 * prediction before and after; as text and as JSON ({@code layer}, {@code mode}, {@code classes},
 * and per example {@code input}, {@code units}, {@code predicted}, {@code logit_before},
 * {@code logit_after}, {@code predicted_after}, {@code flipped}).
 */
public record AblationEffects(String layer, Ablation.Mode mode, List<String> classNames, List<Effect> effects) {

    /** One example: its units removed, and its predicted class's logit and its prediction before and after. */
    public record Effect(String input, int[] units, int predicted, float logitBefore, float logitAfter, int predictedAfter) {
        public boolean flipped() {
            return predicted != predictedAfter;
        }
    }

    /** Ablates {@code units[i]} of example i (in the ablation's mode, one batched pass) and records what changes. */
    public static AblationEffects measure(Ablation ablation, Module model, Tensor x, int[][] units, List<String> descriptions, List<String> classNames) {
        Tensor before;
        try (Module.Mode e = model.evaluating(); Grad.Scope g = Grad.off()) {
            before = model.call(x.to(model.device())).toHost(); // the logits are results
        }
        Tensor after = ablation.logitsWithout(x, units);
        int[] pred = F.argmax(before), predAfter = F.argmax(after);
        List<Effect> out = new ArrayList<>();
        for (int i = 0; i < pred.length; i++) {
            out.add(new Effect(descriptions.get(i), units[i], pred[i], before.get(i, pred[i]), after.get(i, pred[i]), predAfter[i]));
        }
        List<String> names = new ArrayList<>(classNames);
        for (int c = names.size(); c < before.size(1); c++) names.add("class " + c);
        return new AblationEffects(ablation.layer(), ablation.mode(), names, out);
    }

    /** The same units for every example. */
    public static int[][] same(int examples, int... units) {
        int[][] u = new int[examples][];
        Arrays.fill(u, units);
        return u;
    }

    /**
     * Each example's {@code k} filters of {@code layer} of highest conductance for its predicted
     * class ({@code steps} Gauss-Legendre nodes, docs/methods.md §1.2), highest first.
     */
    public static int[][] topByConductance(Module model, String layer, Tensor x, int k, int steps) {
        AttributionResult r = new LayerConductance(model).layers(layer).steps(steps).integratedGradients(false).attribute(x);
        Tensor fc = r.layer(layer).filterConductance();                  // [N, filters]
        int[][] out = new int[x.size(0)][];
        for (int i = 0; i < out.length; i++) {
            double[] row = new double[fc.size(1)];
            for (int c = 0; c < row.length; c++) row[c] = fc.get(i, c);
            out[i] = Arrays.copyOf(Ranking.argsortDescending(row), Math.min(k, row.length));
        }
        return out;
    }

    public Map<String, Object> json() {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("layer", layer);
        j.put("mode", mode.name().toLowerCase(Locale.ROOT));
        j.put("classes", classNames);
        List<Object> ex = new ArrayList<>();
        for (Effect e : effects) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("input", e.input());
            m.put("units", e.units());
            m.put("predicted", e.predicted());
            m.put("logit_before", e.logitBefore());
            m.put("logit_after", e.logitAfter());
            m.put("predicted_after", e.predictedAfter());
            m.put("flipped", e.flipped());
            ex.add(m);
        }
        j.put("examples", ex);
        return j;
    }

    public String text() {
        StringBuilder sb = new StringBuilder();
        for (Effect e : effects) {
            sb.append(String.format(Locale.ROOT, "%-28s units %s: logit of %s %.3f -> %.3f; prediction %s -> %s%n", e.input(), Arrays.toString(e.units()),
                    classNames.get(e.predicted()), e.logitBefore(), e.logitAfter(), classNames.get(e.predicted()), classNames.get(e.predictedAfter())));
        }
        long flipped = effects.stream().filter(Effect::flipped).count();
        sb.append(String.format(Locale.ROOT, "%s ablation of %s: %d of %d predictions changed%n", mode.name().toLowerCase(Locale.ROOT), layer, flipped, effects.size()));
        return sb.toString();
    }
}
