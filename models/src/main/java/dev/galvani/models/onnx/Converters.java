package dev.galvani.models.onnx;

import dev.galvani.models.onnx.ops.Activations;
import dev.galvani.models.onnx.ops.Arithmetic;
import dev.galvani.models.onnx.ops.Convolution;
import dev.galvani.models.onnx.ops.Normalization;
import dev.galvani.models.onnx.ops.Padding;
import dev.galvani.models.onnx.ops.Pooling;
import dev.galvani.models.onnx.ops.Reductions;
import dev.galvani.models.onnx.ops.TensorShapes;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The registry of per-op converters, keyed by op type (default ONNX domain) and the range of
 * model opsets each converter implements. An op or opset with no converter is one line naming the
 * op, its node and what is supported.
 */
public final class Converters {
    /** Highest default-domain opset the converters are written for (ONNX 1.16). */
    public static final int MAX_OPSET = 21;

    private record Entry(int from, int to, Converter converter) {}

    private final Map<String, List<Entry>> byOp = new TreeMap<>();

    /** Every converter Galvani ships. */
    public static Converters standard() {
        Converters c = new Converters();
        Activations.register(c);
        Arithmetic.register(c);
        Convolution.register(c);
        Normalization.register(c);
        Padding.register(c);
        Pooling.register(c);
        Reductions.register(c);
        TensorShapes.register(c);
        return c;
    }

    /** Registers a converter for model opsets {@code from..to} (inclusive). */
    public Converters add(String op, int from, int to, Converter c) {
        byOp.computeIfAbsent(op, k -> new ArrayList<>()).add(new Entry(from, to, c));
        return this;
    }

    /** Registers a converter for model opsets {@code from..}{@link #MAX_OPSET}. */
    public Converters add(String op, int from, Converter c) {
        return add(op, from, MAX_OPSET, c);
    }

    /** The converter for this node, or an error naming the op, the node and what is supported. */
    public Converter find(OnnxNode node) {
        String domain = node.domain();
        if (!domain.isEmpty() && !domain.equals("ai.onnx")) {
            throw node.error("op " + node.opType() + " of domain '" + domain + "' is not supported; Galvani imports the default ONNX domain: "
                    + String.join(", ", byOp.keySet()));
        }
        List<Entry> es = byOp.get(node.opType());
        if (es == null) {
            throw node.error("op " + node.opType() + " is not supported; supported ops: " + String.join(", ", byOp.keySet()));
        }
        for (Entry e : es) if (node.opset() >= e.from && node.opset() <= e.to) return e.converter;
        StringBuilder ranges = new StringBuilder();
        for (Entry e : es) ranges.append(ranges.length() == 0 ? "" : ", ").append(e.from).append('-').append(e.to);
        throw node.error("op " + node.opType() + " at opset " + node.opset() + " is not supported; Galvani imports "
                + node.opType() + " at opsets " + ranges);
    }

    public List<String> ops() {
        return List.copyOf(byOp.keySet());
    }
}
