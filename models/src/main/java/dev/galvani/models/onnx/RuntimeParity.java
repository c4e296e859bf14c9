package dev.galvani.models.onnx;

import dev.galvani.engine.Tensor;
import dev.galvani.engine.autodiff.Grad;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Galvani's import of an ONNX file against ONNX Runtime on the same input: the largest relative
 * difference of each output and of every node value ONNX Runtime exposes. A value's relative
 * difference is {@code max_i |g_i − r_i| / max_i |r_i|}: the error measured against the value's
 * scale, so that elements near zero do not inflate it.
 */
public final class RuntimeParity {
    private RuntimeParity() {}

    /** One compared value: its ONNX name, Galvani's dotted node name, shape and relative difference. */
    public record Difference(String onnxName, String node, int[] shape, double relative) {}

    public record Report(List<Difference> outputs, List<Difference> nodes) {
        public double worstOutput() {
            return outputs.stream().mapToDouble(Difference::relative).max().orElse(0);
        }

        /** The largest over outputs and nodes. */
        public double worst() {
            return Math.max(worstOutput(), nodes.stream().mapToDouble(Difference::relative).max().orElse(0));
        }
    }

    /** Compares outputs, and every float node value too when {@code nodes} is set. */
    public static Report compare(OnnxModel model, OnnxFile file, Tensor x, boolean nodes) {
        Map<String, Tensor> ours;
        try (Grad.Scope s = Grad.off()) {
            ours = model.evaluateAll(x);
        }
        Map<String, String> nodeNames = model.nodeOutputs();
        List<String> extra = new ArrayList<>();
        if (nodes) for (String name : nodeNames.keySet()) if (ours.containsKey(name)) extra.add(name);
        Map<String, Tensor> theirs;
        try (OnnxRuntimePeer peer = OnnxRuntimePeer.open(file, model.inputName(), extra)) {
            theirs = peer.run(x, model.integerInput());
        }
        List<Difference> outs = new ArrayList<>(), inner = new ArrayList<>();
        for (int i = 0; i < file.graph().getOutputCount(); i++) {
            String name = file.graph().getOutput(i).getName();
            outs.add(difference(name, nodeNames.getOrDefault(name, name), ours.get(name), theirs.get(name)));
        }
        if (nodes) {
            for (String name : extra) {
                if (outs.stream().anyMatch(d -> d.onnxName().equals(name)) || !theirs.containsKey(name)) continue;
                inner.add(difference(name, nodeNames.get(name), ours.get(name), theirs.get(name)));
            }
        }
        return new Report(outs, inner);
    }

    static Difference difference(String name, String node, Tensor a, Tensor b) {
        if (a == null || b == null || !Arrays.equals(a.shape(), b.shape())) {
            return new Difference(name, node, a == null ? null : a.shape(), Double.POSITIVE_INFINITY);
        }
        return new Difference(name, node, a.shape(), relative(a.data(), b.data()));
    }

    /** {@code max |a − b| / max |b|} (0 when both are zero; NaN anywhere gives infinity). */
    public static double relative(float[] a, float[] b) {
        double diff = 0, scale = 0;
        for (int i = 0; i < a.length; i++) {
            double d = Math.abs((double) a[i] - b[i]);
            if (Double.isNaN(d)) return Double.POSITIVE_INFINITY;
            diff = Math.max(diff, d);
            scale = Math.max(scale, Math.abs(b[i]));
        }
        return diff == 0 ? 0 : diff / Math.max(scale, Double.MIN_NORMAL);
    }
}
