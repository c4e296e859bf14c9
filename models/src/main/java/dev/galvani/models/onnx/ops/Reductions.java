package dev.galvani.models.onnx.ops;

import dev.galvani.engine.F;
import dev.galvani.engine.Tensor;
import dev.galvani.models.onnx.Converters;
import dev.galvani.models.onnx.Ints;
import dev.galvani.models.onnx.NodeFunction;
import dev.galvani.models.onnx.OnnxNode;
import dev.galvani.models.onnx.Values;

/** ReduceMean, ReduceMax, ReduceSum: axes as an attribute up to opset 17 (ReduceSum 12), as an input after. */
public final class Reductions {
    private Reductions() {}

    private enum Kind { MEAN, MAX, SUM }

    public static void register(Converters c) {
        c.add("ReduceMean", 1, 17, n -> reduce(n, Kind.MEAN, n.attrInts("axes", null)));
        c.add("ReduceMean", 18, n -> reduce(n, Kind.MEAN, axesInput(n)));
        c.add("ReduceMax", 1, 17, n -> reduce(n, Kind.MAX, n.attrInts("axes", null)));
        c.add("ReduceMax", 18, n -> reduce(n, Kind.MAX, axesInput(n)));
        c.add("ReduceSum", 1, 12, n -> reduce(n, Kind.SUM, n.attrInts("axes", null)));
        c.add("ReduceSum", 13, n -> reduce(n, Kind.SUM, axesInput(n)));
    }

    private static int[] axesInput(OnnxNode n) {
        Ints a = n.constantInts(1, "the axes");
        return a == null ? null : a.toIntArray();
    }

    private static NodeFunction reduce(OnnxNode n, Kind kind, int[] axes0) {
        boolean keep = n.attrInt("keepdims", 1) != 0;
        boolean noopWhenEmpty = n.attrInt("noop_with_empty_axes", 0) != 0;
        return in -> {
            Tensor x = Values.tensor(in[0]);
            int[] axes = axes0;
            if (axes == null || axes.length == 0) {
                if (noopWhenEmpty) return x;
                axes = new int[x.dim()];
                for (int i = 0; i < axes.length; i++) axes[i] = i;
            }
            return switch (kind) {
                case MEAN -> x.mean(keep, axes);
                case MAX -> F.max(x, keep, axes);
                case SUM -> x.sum(keep, axes);
            };
        };
    }
}
