package dev.galvani.models.onnx;

import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Rng;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.autodiff.Grad;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
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

    /** The comparison as a table: every node value and output with its shape and relative difference, then the largest of each. */
    public static String text(Report r, Path file, Tensor x, double tolerance) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%s: %d node values and %d outputs compared on input %s%n", file, r.nodes().size(), r.outputs().size(), x.shapeString()));
        sb.append(String.format(Locale.ROOT, "%-48s %-22s %12s%n", "node", "shape", "rel. diff."));
        List<Difference> all = new ArrayList<>(r.nodes());
        all.addAll(r.outputs());
        for (Difference d : all) {
            String shape = d.shape() == null ? "?" : Arrays.toString(d.shape()).replace(" ", "");
            sb.append(String.format(Locale.ROOT, "%-48s %-22s %12.2e%n", d.node(), shape, d.relative()));
        }
        double worstNode = r.nodes().stream().mapToDouble(Difference::relative).max().orElse(0);
        sb.append(String.format(Locale.ROOT, "largest relative difference: outputs %.2e, nodes %.2e (tolerance %.0e)%n", r.worstOutput(), worstNode, tolerance));
        return sb.toString();
    }

    /**
     * The input to compare on: {@code given}, or standard normal images (token ids in 1..99 for a
     * text model) of the declared shape, {@code batch} rows (null: the file's fixed batch, else 2);
     * a file with a fixed batch takes only that many rows, as ONNX Runtime does.
     */
    public static Tensor input(OnnxModel model, Tensor given, Integer batch, long seed) {
        int fixed = model.inputShape()[0];
        Tensor x = given;
        if (x == null) {
            int rows = batch != null ? batch : fixed > 0 ? fixed : 2;
            if (rows < 1) throw new GalvaniException("--batch must be at least 1, got " + rows);
            x = model.exampleInput(rows);
            Rng rng = new Rng(seed);
            float[] d = x.data();
            for (int i = 0; i < d.length; i++) d[i] = model.integerInput() ? 1 + rng.nextInt(99) : (float) rng.gaussian();
        }
        if (fixed > 0 && x.size(0) != fixed) {
            throw new GalvaniException(model.path() + " declares a fixed batch of " + fixed + " and ONNX Runtime accepts only that; give "
                    + fixed + " inputs, or export with a dynamic batch axis");
        }
        return x;
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
