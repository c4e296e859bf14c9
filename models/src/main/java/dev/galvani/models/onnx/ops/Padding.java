package dev.galvani.models.onnx.ops;

import dev.galvani.engine.F;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.ops.Pad;
import dev.galvani.models.onnx.Converters;
import dev.galvani.models.onnx.Ints;
import dev.galvani.models.onnx.NodeFunction;
import dev.galvani.models.onnx.OnnxNode;
import dev.galvani.models.onnx.Values;

import java.util.Locale;

/** Pad: pads and value as attributes up to opset 10, as (constant) inputs from 11, with axes from 18. */
public final class Padding {
    private Padding() {}

    public static void register(Converters c) {
        c.add("Pad", 2, 10, n -> pad(n, n.attrInts("pads", null), n.attrFloat("value", 0f), null));
        c.add("Pad", 11, n -> {
            Ints pads = n.constantInts(1, "the pads");
            Tensor value = n.constantTensor(2, "the padding value");
            Ints axes = n.constantInts(3, "the axes");
            return pad(n, pads == null ? null : pads.toIntArray(), value == null ? 0f : value.data()[0], axes == null ? null : axes.toIntArray());
        });
    }

    private static NodeFunction pad(OnnxNode n, int[] pads, float value, int[] axes) {
        if (pads == null) throw n.error("has no pads");
        Pad.Mode mode = switch (n.attrString("mode", "constant").toLowerCase(Locale.ROOT)) {
            case "constant" -> Pad.Mode.CONSTANT;
            case "reflect" -> Pad.Mode.REFLECT;
            case "edge" -> Pad.Mode.EDGE;
            default -> throw n.error("mode '" + n.attrString("mode", "") + "' is not supported (constant, reflect, edge)");
        };
        return in -> {
            Tensor x = Values.tensor(in[0]);
            int r = x.dim();
            int[] ax = axes;
            if (ax == null) {
                ax = new int[r];
                for (int i = 0; i < r; i++) ax[i] = i;
            }
            if (pads.length != 2 * ax.length) throw n.error(pads.length + " pads for " + ax.length + " axes of " + x.shapeString());
            int[] before = new int[r], after = new int[r];
            for (int i = 0; i < ax.length; i++) {
                int a = dev.galvani.engine.Shapes.axis(ax[i], r);
                before[a] = pads[i];
                after[a] = pads[i + ax.length];
            }
            return F.pad(x, before, after, mode, value);
        };
    }
}
