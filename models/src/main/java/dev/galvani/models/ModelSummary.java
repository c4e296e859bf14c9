package dev.galvani.models;

import dev.galvani.engine.Tensor;
import dev.galvani.engine.autodiff.Grad;
import dev.galvani.engine.nn.Module;
import dev.galvani.models.onnx.OnnxOp;
import dev.galvani.models.onnx.OnnxScope;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Every named node with its output shape and parameter count, from one forward pass. */
public final class ModelSummary {
    private ModelSummary() {}

    public record Row(String name, String type, int[] outputShape, long parameters) {}

    public static List<Row> of(Module model, Tensor example) {
        Map<String, Module> all = model.namedModules();
        List<String> names = all.keySet().stream().filter(n -> !n.isEmpty()).toList();
        Map<String, Tensor> cache;
        try (Module.Mode e = model.evaluating(); Grad.Scope s = Grad.off()) {
            cache = model.runWithCache(example, names).cache();
        }
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<String, Module> e : all.entrySet()) {
            if (e.getKey().isEmpty()) continue;
            Tensor out = cache.get(e.getKey());
            Module m = e.getValue();
            long own = 0;
            String type = m.getClass().getSimpleName();
            if (m instanceof OnnxOp op) { // an imported node: its op, and the weights it reads
                type = op.opType();
                own = op.weightCount();
            } else if (m instanceof OnnxScope) {
                type = "block";
            } else {
                for (Map.Entry<String, Tensor> p : m.parameters().entrySet()) {
                    if (!p.getKey().contains(".")) own += p.getValue().numel();
                }
            }
            rows.add(new Row(e.getKey(), type, out == null ? null : out.shape(), own));
        }
        return rows;
    }

    public static String format(Module model, Tensor example) {
        StringBuilder sb = new StringBuilder(String.format("%-40s %-18s %-20s %10s%n", "node", "type", "output", "params"));
        for (Row r : of(model, example)) {
            String shape = r.outputShape() == null ? "(not run)" : java.util.Arrays.toString(r.outputShape()).replace(" ", "");
            sb.append(String.format("%-40s %-18s %-20s %10s%n", r.name(), r.type(), shape, r.parameters() == 0 ? "" : Long.toString(r.parameters())));
        }
        sb.append(String.format("total parameters: %d%n", model.parameterCount()));
        return sb.toString();
    }
}
