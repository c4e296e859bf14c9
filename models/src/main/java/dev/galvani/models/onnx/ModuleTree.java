package dev.galvani.models.onnx;

import dev.galvani.engine.Tensor;
import dev.galvani.engine.nn.Module;
import dev.galvani.models.onnx.OnnxImporter.PendingStep;
import dev.galvani.models.onnx.proto.Onnx;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Arranges an imported graph's nodes in a module tree named after the scopes PyTorch's exporter
 * writes into node names. {@code /layer3/layer3.22/relu_2/Relu} lies in scopes {@code layer3},
 * {@code layer3.22} (a segment that extends the previous one by {@code .22} names child
 * {@code 22}), {@code relu_2}: its dotted path is {@code layer3.22.relu_2}, and as the only node
 * of that scope it is that module itself. A scope with several nodes is an {@link OnnxScope} whose
 * output is its last node's, and its nodes are named by their op ({@code inception4d.Concat}).
 * Names without scopes ({@code Conv_12}) sit at the top.
 */
final class ModuleTree {
    private ModuleTree() {}

    /** A trie of scopes; leaves hold one node each. */
    private static final class Trie {
        final Map<String, Trie> children = new LinkedHashMap<>();
        PendingStep step;
        int count;
        int last = -1;

        Trie scope(String name) {
            String key = name;
            for (int k = 2; children.containsKey(key) && children.get(key).step != null; k++) key = name + "_" + k;
            return children.computeIfAbsent(key, x -> new Trie());
        }

        void leaf(String name, PendingStep s) {
            String key = name;
            for (int k = 2; children.containsKey(key); k++) key = name + "_" + k;
            Trie t = new Trie();
            t.step = s;
            children.put(key, t);
        }
    }

    static void build(OnnxModel model, List<PendingStep> steps, Map<String, Object> constants, Set<String> parameters, Onnx.GraphProto g) {
        Trie root = new Trie();
        for (PendingStep s : steps) {
            if (integerValued(s.proto())) continue; // shapes are not hookable values
            Trie t = root;
            List<Trie> path = new ArrayList<>();
            for (String scope : scopes(s.node().name())) {
                t = t.scope(scope);
                path.add(t);
            }
            t.leaf(leaf(s), s);
            root.count++;
            root.last = s.index();
            for (Trie p : path) {
                p.count++;
                p.last = s.index();
            }
        }
        OnnxOp[] points = new OnnxOp[steps.size()];
        List<List<OnnxScope>> closes = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) closes.add(new ArrayList<>());
        for (Map.Entry<String, Trie> e : root.children.entrySet()) {
            model.child(e.getKey(), materialise(e.getValue(), points, closes, parameters, constants));
        }

        // Values are dropped after their last reader (graph outputs are kept).
        Set<String> outputs = new HashSet<>();
        for (Onnx.ValueInfoProto o : g.getOutputList()) outputs.add(o.getName());
        Map<String, Integer> lastUse = new HashMap<>();
        for (PendingStep s : steps) for (String in : s.proto().getInputList()) if (!in.isEmpty() && !constants.containsKey(in)) lastUse.put(in, s.index());
        List<List<String>> frees = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) frees.add(new ArrayList<>());
        lastUse.forEach((name, i) -> {
            if (!outputs.contains(name)) frees.get(i).add(name);
        });

        for (PendingStep s : steps) {
            Onnx.NodeProto np = s.proto();
            String[] in = new String[np.getInputCount()];
            for (int k = 0; k < in.length; k++) in[k] = np.getInput(k).isEmpty() ? null : np.getInput(k);
            OnnxOp point = points[s.index()];
            model.addStep(new OnnxModel.Step(s.node().name(), np.getOpType(), in, np.getOutput(0), s.fn(), point,
                    List.copyOf(closes.get(s.index())), List.copyOf(frees.get(s.index()))));
            if (point != null) {
                model.alias(np.getOutput(0), point.name());
                if (!np.getName().isEmpty()) model.alias(np.getName(), point.name());
            }
        }
    }

    /** Ops whose value is integers (shapes): not hookable, so not listed as nodes. */
    private static boolean integerValued(Onnx.NodeProto np) {
        return np.getOpType().equals("Shape");
    }

    private static Module materialise(Trie t, OnnxOp[] points, List<List<OnnxScope>> closes, Set<String> parameters, Map<String, Object> constants) {
        if (t.step != null || t.count == 1) {
            Trie leaf = t;
            while (leaf.step == null) leaf = leaf.children.values().stream().filter(c -> c.count > 0 || c.step != null).findFirst().orElseThrow();
            PendingStep s = leaf.step;
            long params = 0;
            for (String in : s.proto().getInputList()) {
                if (parameters.contains(in) && constants.get(in) instanceof Tensor w) params += w.numel();
            }
            OnnxOp op = new OnnxOp(s.proto().getOpType(), s.node().name(), s.proto().getOutput(0), params);
            points[s.index()] = op;
            return op;
        }
        OnnxScope scope = new OnnxScope();
        for (Map.Entry<String, Trie> e : t.children.entrySet()) {
            if (e.getValue().step == null && e.getValue().count == 0) continue;
            scope.child(e.getKey(), materialise(e.getValue(), points, closes, parameters, constants));
        }
        closes.get(t.last).add(scope);
        return scope;
    }

    /**
     * The scope path of a node name as local module names: {@code /features/features.17/conv/conv.1/conv.1.2/Clip}
     * gives features, 17, conv, 1, 2.
     */
    static List<String> scopes(String nodeName) {
        List<String> out = new ArrayList<>();
        if (!nodeName.startsWith("/")) return out;
        String[] seg = nodeName.substring(1).split("/");
        String prev = null;
        for (int i = 0; i < seg.length - 1; i++) {
            String s = seg[i];
            if (s.isEmpty()) continue;
            String rest = prev != null && s.startsWith(prev + ".") ? s.substring(prev.length() + 1) : s;
            for (String part : rest.split("\\.")) if (!part.isEmpty()) out.add(clean(part));
            prev = s;
        }
        return out;
    }

    /** A node's own local name: the last segment of its name ({@code Concat}, {@code Relu_1}), or op and position. */
    private static String leaf(PendingStep s) {
        String name = s.proto().getName();
        if (name.isEmpty()) return s.proto().getOpType() + "_" + s.index();
        int slash = name.lastIndexOf('/');
        String last = slash >= 0 ? name.substring(slash + 1) : name;
        return last.isEmpty() ? s.proto().getOpType() + "_" + s.index() : clean(last);
    }

    /** Dots separate module names; nothing else is changed. */
    private static String clean(String s) {
        return s.replace('.', '_');
    }
}
