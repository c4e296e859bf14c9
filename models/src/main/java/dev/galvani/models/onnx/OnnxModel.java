package dev.galvani.models.onnx;

import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.nn.Module;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model imported from an ONNX file ({@link OnnxImporter}): an ordinary {@link Module} tree, so
 * hooks, caching, ablation, patching, conductance and the studies work on it unchanged.
 *
 * <p>{@link #forward} evaluates the graph's nodes in the file's (topological) order with engine
 * ops; each node's float output goes through its {@link OnnxOp}'s {@code call}, and through the
 * {@link OnnxScope}s it closes, so that every node and block is a hookable, dotted name:
 * {@code /inception4d/Concat} is {@code inception4d.Concat} and closes the block
 * {@code inception4d}; a block of one node is that node ({@code /features/features.0/Conv} is
 * {@code features.0}). The names the file gives nodes and values are accepted too (aliases).
 * Parameters and buffers keep the initializers' names (PyTorch's state-dict names where the
 * exporter kept them). Values are freed after their last use.
 */
public final class OnnxModel extends Module {
    /** One node as it runs. */
    record Step(String onnxName, String opType, String[] inputs, String output, NodeFunction fn,
                OnnxOp point, List<OnnxScope> closes, List<String> frees) {}

    private final Path path;
    private final String inputName, outputName;
    private final int[] inputShape;     // -1 where symbolic (the batch, a text model's length)
    private final boolean integerInput;
    private final Map<String, Object> constants;
    private final List<Step> steps = new ArrayList<>();
    private final Map<String, String> aliases = new HashMap<>();
    private final int opset;
    private int[] outputShape = new int[0];

    OnnxModel(Path path, String inputName, int[] inputShape, boolean integerInput, String outputName,
              Map<String, Object> constants, int opset) {
        this.path = path;
        this.inputName = inputName;
        this.inputShape = inputShape;
        this.integerInput = integerInput;
        this.outputName = outputName;
        this.constants = constants;
        this.opset = opset;
    }

    /** Imports a model file; see {@link OnnxImporter}. */
    public static OnnxModel load(Path path) {
        return OnnxImporter.load(path);
    }

    // ---- built by the importer ------------------------------------------------------------

    void child(String name, Module m) {
        add(name, m);
    }

    void addParameter(String name, Tensor t) {
        param(name, t);
    }

    void addBuffer(String name, Tensor t) {
        buffer(name, t);
    }

    void addStep(Step s) {
        steps.add(s);
    }

    void alias(String raw, String dotted) {
        aliases.putIfAbsent(raw, dotted);
    }

    // ---- use --------------------------------------------------------------------------------

    public Path path() {
        return path;
    }

    public String inputName() {
        return inputName;
    }

    public String outputName() {
        return outputName;
    }

    /** The declared input shape, -1 for symbolic sizes (the batch axis, a sentence's length). */
    public int[] inputShape() {
        return inputShape.clone();
    }

    /** Whether the model takes integers (token ids); they are passed as a float tensor and rounded. */
    public boolean integerInput() {
        return integerInput;
    }

    public int opset() {
        return opset;
    }

    /** The output's shape at the import's probe pass (batch of {@link #exampleInput()}). */
    public int[] outputShape() {
        return outputShape.clone();
    }

    void outputShape(int[] shape) {
        this.outputShape = shape.clone();
    }

    /** An example input of the declared shape (a symbolic batch: 1 row; symbolic lengths: 16). */
    public Tensor exampleInput() {
        return exampleInput(inputShape[0] > 0 ? inputShape[0] : 1);
    }

    /** An example input of the declared shape with {@code batch} rows (symbolic lengths: 16). */
    public Tensor exampleInput(int batch) {
        int[] s = inputShape.clone();
        s[0] = batch;
        for (int i = 1; i < s.length; i++) if (s[i] < 0) s[i] = 16;
        return integerInput ? Tensor.ones(s) : Tensor.zeros(s);
    }

    @Override
    protected String alias(String name) {
        return aliases.get(name);
    }

    /** The dotted name for a dotted or raw ONNX name (unchanged when unknown). */
    public String canonical(String name) {
        return aliases.getOrDefault(name, name);
    }

    /**
     * The node that looks up token ids (a {@code Gather} reading the model's integer input), where
     * a text model's attribution path starts; null if there is none.
     */
    public String embeddingNode() {
        for (Step s : steps) {
            if (s.opType.equals("Gather") && s.point != null && java.util.Arrays.asList(s.inputs).contains(inputName)) return s.point.name();
        }
        return null;
    }

    /** The raw ONNX value names of the nodes' float outputs, in evaluation order, with their dotted names. */
    public Map<String, String> nodeOutputs() {
        Map<String, String> out = new LinkedHashMap<>();
        for (Step s : steps) if (s.point != null) out.put(s.output, s.point.name());
        return out;
    }

    @Override
    protected Tensor forward(Tensor x) {
        Object y = run(x, false).get(outputName);
        if (!(y instanceof Tensor t)) throw new GalvaniException(path + ": output '" + outputName + "' is not a float tensor");
        return t;
    }

    /**
     * Every value of one evaluation by its ONNX name (inputs, node outputs; hooks applied), for
     * comparisons with ONNX Runtime. Holds all of them at once: a forward pass frees them.
     */
    public Map<String, Tensor> evaluateAll(Tensor x) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : run(x, true).entrySet()) if (e.getValue() instanceof Tensor t) out.put(e.getKey(), t);
        return out;
    }

    private Map<String, Object> run(Tensor x, boolean keepAll) {
        checkInput(x);
        Map<String, Object> env = new LinkedHashMap<>();
        env.put(inputName, integerInput ? Values.ints(x) : x);
        for (Step s : steps) {
            Object[] in = new Object[s.inputs.length];
            for (int i = 0; i < in.length; i++) {
                String name = s.inputs[i];
                if (name == null) continue;
                Object v = env.get(name);
                in[i] = v != null ? v : constants.get(name);
            }
            Object y;
            try {
                y = s.fn.apply(in);
            } catch (GalvaniException e) {
                String m = e.getMessage();
                throw m.startsWith(path.toString()) ? e : new GalvaniException(path + ": node '" + s.onnxName + "' (" + s.opType + "): " + m, e);
            } catch (RuntimeException e) { // attributes or inputs a converter did not foresee: still one line naming the node
                throw new GalvaniException(path + ": node '" + s.onnxName + "' (" + s.opType + ") cannot be computed with its attributes and inputs ("
                        + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
            }
            if (y instanceof Tensor t && s.point != null) {
                t = s.point.call(t);
                for (OnnxScope b : s.closes) t = b.call(t);
                y = t;
            }
            env.put(s.output, y);
            if (!keepAll) for (String f : s.frees) env.remove(f);
        }
        return env;
    }

    private void checkInput(Tensor x) {
        int[] s = x.shape();
        boolean ok = s.length == inputShape.length; // any batch: a path integral runs many rows
        for (int i = 1; ok && i < s.length; i++) ok = inputShape[i] < 0 || inputShape[i] == s[i];
        if (!ok) {
            throw new GalvaniException(path + " expects input '" + inputName + "' of shape " + describe(inputShape) + ", got " + x.shapeString());
        }
    }

    /** A shape with symbolic sizes shown as N (batch) or ?. */
    public static String describe(int[] shape) {
        String[] d = new String[shape.length];
        for (int i = 0; i < d.length; i++) d[i] = shape[i] >= 0 ? Integer.toString(shape[i]) : i == 0 ? "N" : "?";
        return Arrays.toString(d);
    }
}
