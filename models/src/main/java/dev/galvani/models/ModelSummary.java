package dev.galvani.models;

import dev.galvani.engine.Tensor;
import dev.galvani.engine.autodiff.Grad;
import dev.galvani.engine.nn.Module;
import dev.galvani.models.onnx.OnnxModel;
import dev.galvani.models.onnx.OnnxOp;
import dev.galvani.models.onnx.OnnxScope;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Every named node with its output shape and parameter count, from one forward pass. */
public final class ModelSummary {
    private ModelSummary() {}

    public record Row(String name, String type, int[] outputShape, long parameters) {}

    /**
     * The summary of a built-in architecture by name, or of a checkpoint or an ONNX file (an ONNX
     * file's opset, input and output first, and a note that its own node names work as layer names).
     */
    public static String describe(String nameOrFile) {
        Path file = Path.of(nameOrFile);
        if (ModelZoo.NAMES.contains(nameOrFile) || !(nameOrFile.endsWith(".onnx") || nameOrFile.endsWith(".safetensors") || Files.exists(file))) {
            return format(ModelZoo.create(nameOrFile, Map.of()), ModelZoo.exampleInput(nameOrFile));
        }
        SavedModel m = SavedModel.load(file);
        OnnxModel o = m.onnx();
        if (o == null) return format(m.model(), ModelZoo.exampleInput(m.architecture()));
        String last = o.nodeOutputs().keySet().stream().reduce((a, b) -> b).orElse("?");
        return String.format("%s: ONNX opset %d, input '%s' %s, output '%s'%n", file, o.opset(), o.inputName(), OnnxModel.describe(o.inputShape()), o.outputName())
                + format(o, o.exampleInput())
                + "Dotted names, or the file's node and value names (e.g. " + last + "), are accepted wherever a layer is named.\n";
    }

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
