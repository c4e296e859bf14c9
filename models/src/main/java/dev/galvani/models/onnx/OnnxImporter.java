package dev.galvani.models.onnx;

import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.autodiff.Grad;
import dev.galvani.models.onnx.proto.Onnx;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns an ONNX file into an {@link OnnxModel}: initializers become parameters (batch norm's
 * running statistics buffers), each node is converted by the registered {@link Converter} for its
 * op and opset, integer-only computations (the Shape/Gather/Concat chains exporters write) and
 * {@code Constant}s are folded, and the nodes are arranged in a module tree named after the
 * exporter's scopes. A probe pass at the declared input shape checks that every shape resolves.
 */
public final class OnnxImporter {
    private OnnxImporter() {}

    private static final Converters CONVERTERS = Converters.standard();

    public static OnnxModel load(Path path) {
        return build(OnnxFile.read(path));
    }

    public static OnnxModel build(OnnxFile file) {
        Onnx.GraphProto g = file.graph();
        int opset = file.opset("");
        if (opset < 0) throw new GalvaniException(file.name() + ": imports no default-domain opset");

        // Initializers: float ones are parameters (unless a converter marks them state), integer ones constants.
        Map<String, Object> constants = new HashMap<>();
        Set<String> parameters = new HashSet<>();
        Map<String, Tensor> initializers = new LinkedHashMap<>();
        for (Onnx.TensorProto t : g.getInitializerList()) {
            Object v = OnnxTensors.read(file, t);
            constants.put(t.getName(), v);
            if (v instanceof Tensor ft) {
                parameters.add(t.getName());
                initializers.put(t.getName(), ft);
            }
        }

        // The one runtime input.
        List<Onnx.ValueInfoProto> inputs = new ArrayList<>();
        for (Onnx.ValueInfoProto v : g.getInputList()) if (!constants.containsKey(v.getName())) inputs.add(v);
        if (inputs.size() != 1) {
            List<String> names = inputs.stream().map(Onnx.ValueInfoProto::getName).toList();
            throw new GalvaniException(file.name() + ": the graph has " + inputs.size() + " inputs " + names + "; Galvani imports models with one input");
        }
        Onnx.ValueInfoProto input = inputs.get(0);
        int elem = input.getType().getTensorType().getElemType();
        boolean integerInput = switch (elem) {
            case 1, 10, 11 -> false;          // float, float16, double
            case 6, 7 -> true;                // int32, int64 (token ids)
            default -> throw new GalvaniException(file.name() + ": input '" + input.getName() + "' has element type " + elem + "; Galvani takes float or integer inputs");
        };
        int[] shape = inputShape(file, input, integerInput);
        if (g.getOutputCount() == 0) throw new GalvaniException(file.name() + ": the graph has no outputs");
        String outputName = g.getOutput(0).getName();

        // Convert the nodes in order, folding what is constant.
        Set<String> buffers = new HashSet<>();
        Set<String> known = new HashSet<>(constants.keySet());
        known.add(input.getName());
        List<PendingStep> pending = new ArrayList<>();
        Set<String> secondary = new HashSet<>();
        Map<String, String> secondaryOwner = new HashMap<>();
        for (int i = 0; i < g.getNodeCount(); i++) {
            Onnx.NodeProto np = g.getNode(i);
            OnnxNode node = new OnnxNode(file, np, opset, constants, buffers);
            if (np.getOutputCount() == 0) throw node.error("has no outputs");
            for (int k = 0; k < np.getInputCount(); k++) {
                String in = np.getInput(k);
                if (in.isEmpty()) continue;
                if (secondary.contains(in)) {
                    throw node.error("reads '" + in + "', output of node '" + secondaryOwner.get(in) + "' other than its first; Galvani computes only a node's first output");
                }
                if (!known.contains(in)) throw node.error("reads '" + in + "' before any node computes it (the graph is not topologically sorted, or the value is missing)");
            }
            for (int k = 1; k < np.getOutputCount(); k++) {
                if (!np.getOutput(k).isEmpty()) {
                    secondary.add(np.getOutput(k));
                    secondaryOwner.put(np.getOutput(k), node.name());
                }
            }
            known.add(np.getOutput(0));
            NodeFunction fn;
            try {
                fn = CONVERTERS.find(node).convert(node);
            } catch (GalvaniException e) {
                throw e;
            } catch (RuntimeException e) { // e.g. an attribute of the wrong type or size
                throw node.error("cannot be imported with its attributes (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
            }
            if (foldable(np, constants, parameters)) {
                Object[] in = new Object[np.getInputCount()];
                for (int k = 0; k < in.length; k++) in[k] = node.constant(k);
                Object v;
                try (Grad.Scope s = Grad.off()) {
                    v = fn.apply(in);
                } catch (GalvaniException e) {
                    throw node.error(e.getMessage());
                } catch (RuntimeException e) {
                    throw node.error("cannot be computed with its attributes and inputs (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
                }
                constants.put(np.getOutput(0), v);
                if (v instanceof Tensor t && np.getInputCount() > 0 && t == in[0] && parameters.contains(np.getInput(0))) {
                    parameters.add(np.getOutput(0)); // Identity of a weight: the same parameter under a second name
                }
                continue;
            }
            pending.add(new PendingStep(np, node, fn, pending.size()));
        }
        for (Onnx.ValueInfoProto o : g.getOutputList()) {
            if (secondary.contains(o.getName())) throw new GalvaniException(file.name() + ": graph output '" + o.getName() + "' is a node's second output; Galvani computes only first outputs");
            if (!known.contains(o.getName())) throw new GalvaniException(file.name() + ": graph output '" + o.getName() + "' is computed by no node");
        }

        OnnxModel model = new OnnxModel(file.path(), input.getName(), shape, integerInput, outputName, constants, opset);
        initializers.forEach((name, t) -> {
            if (buffers.contains(name)) model.addBuffer(name, t);
            else model.addParameter(name, t);
        });
        ModuleTree.build(model, pending, constants, parameters, g);
        probe(file, model);
        model.eval();
        return model;
    }

    /** A node as converted, before the tree is built. */
    record PendingStep(Onnx.NodeProto proto, OnnxNode node, NodeFunction fn, int index) {}

    /**
     * Folded at import: nodes with no inputs ({@code Constant}) and nodes all of whose inputs are
     * constants that are not weights (integer shape arithmetic). A computation on weights stays
     * in the graph, so that gradients reach them.
     */
    private static boolean foldable(Onnx.NodeProto np, Map<String, Object> constants, Set<String> parameters) {
        for (String in : np.getInputList()) {
            if (in.isEmpty()) continue;
            if (!constants.containsKey(in)) return false;
            if (parameters.contains(in) && !np.getOpType().equals("Identity")) return false;
        }
        return true;
    }

    private static int[] inputShape(OnnxFile file, Onnx.ValueInfoProto input, boolean integerInput) {
        Onnx.TypeProto.Tensor tt = input.getType().getTensorType();
        if (!tt.hasShape()) throw new GalvaniException(file.name() + ": input '" + input.getName() + "' has no declared shape; export with a fixed input size");
        int r = tt.getShape().getDimCount();
        if (r == 0) throw new GalvaniException(file.name() + ": input '" + input.getName() + "' is a scalar; Galvani takes a batch axis first");
        int[] s = new int[r];
        for (int i = 0; i < r; i++) {
            Onnx.TensorShapeProto.Dimension d = tt.getShape().getDim(i);
            if (d.hasDimValue() && d.getDimValue() > 0) {
                s[i] = (int) d.getDimValue();
            } else if (i == 0 || integerInput) {
                s[i] = -1; // the batch, or a sentence's length
            } else {
                String what = d.hasDimParam() ? "symbolic size '" + d.getDimParam() + "'" : "unknown size";
                throw new GalvaniException(file.name() + ": input '" + input.getName() + "' has a " + what + " at axis " + i
                        + "; shapes cannot be resolved statically: export with a fixed input size");
            }
        }
        return s;
    }

    /** One pass at the declared shape: every node's shapes must resolve. */
    private static void probe(OnnxFile file, OnnxModel model) {
        try (Grad.Scope s = Grad.off()) {
            Tensor y = model.call(model.exampleInput());
            if (y.dim() < 1) throw new GalvaniException(file.name() + ": output '" + model.outputName() + "' is a scalar");
            model.outputShape(y.shape());
        } catch (GalvaniException e) {
            String m = e.getMessage();
            throw m.startsWith(file.name()) ? e : new GalvaniException(file.name() + ": " + m, e);
        }
    }
}
