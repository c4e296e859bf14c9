package dev.galvani.models.onnx.ops;

import dev.galvani.engine.F;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.ops.Conv2d;
import dev.galvani.engine.ops.Pad;
import dev.galvani.models.onnx.Converters;
import dev.galvani.models.onnx.NodeFunction;
import dev.galvani.models.onnx.OnnxNode;
import dev.galvani.models.onnx.Values;

/** Conv (1-d and 2-d; groups, dilations, strides, explicit or automatic padding). */
public final class Convolution {
    private Convolution() {}

    public static void register(Converters c) {
        c.add("Conv", 1, Convolution::conv);
    }

    private static NodeFunction conv(OnnxNode n) {
        int groups = (int) n.attrInt("group", 1);
        String autoPad = n.attrString("auto_pad", "NOTSET");
        int[] strides0 = n.attrInts("strides", null), dil0 = n.attrInts("dilations", null), pads0 = n.attrInts("pads", null);
        boolean hasBias = n.hasInput(2);
        return in -> {
            Tensor x = Values.tensor(in[0]), w = Values.tensor(in[1]), b = hasBias ? Values.tensor(in[2]) : null;
            boolean oneD = x.dim() == 3;
            if (!oneD && x.dim() != 4) throw n.error("Conv of a " + x.dim() + "-d input " + x.shapeString() + " is not supported (1-d and 2-d only)");
            if (oneD) { // [N, C, L] as [N, C, 1, L]
                x = x.reshape(x.size(0), x.size(1), 1, x.size(2));
                w = w.reshape(w.size(0), w.size(1), 1, w.size(2));
            }
            int[] strides = spatial(n, "strides", strides0, oneD, 1), dil = spatial(n, "dilations", dil0, oneD, 1);
            int[] pads = pads(n, pads0, oneD);
            if (groups < 1) throw n.error("group " + groups + " must be at least 1");
            if (!autoPad.equals("NOTSET")) pads = autoPads(autoPad, x, w, strides, dil, n);
            if (pads[0] != pads[2] || pads[1] != pads[3]) { // asymmetric: pad first, then convolve unpadded
                x = F.pad(x, new int[] {0, 0, pads[0], pads[1]}, new int[] {0, 0, pads[2], pads[3]}, Pad.Mode.CONSTANT, 0f);
                pads = new int[4];
            }
            Conv2d op = new Conv2d(strides[0], strides[1], pads[0], pads[1], dil[0], dil[1], groups);
            Tensor y = b == null ? op.apply(x, w) : op.apply(x, w, b);
            return oneD ? y.reshape(y.size(0), y.size(1), y.size(3)) : y;
        };
    }

    /** A per-axis attribute (strides, dilations, kernel) as [h, w] (1-d: [1, v]); each must be positive. */
    static int[] spatial(OnnxNode n, String name, int[] v, boolean oneD, int fallback) {
        if (v == null) return new int[] {fallback, fallback};
        if (v.length != (oneD ? 1 : 2)) throw n.error(name + " has " + v.length + " values for a " + (oneD ? 1 : 2) + "-d input");
        for (int x : v) if (x < 1) throw n.error(name + " " + java.util.Arrays.toString(v) + " must be positive");
        return oneD ? new int[] {1, v[0]} : v;
    }

    /** Pads as [top, left, bottom, right] (1-d: [0, begin, 0, end]); none negative. */
    static int[] pads(OnnxNode n, int[] p, boolean oneD) {
        if (p == null) return new int[4];
        if (p.length != (oneD ? 2 : 4)) throw n.error("pads has " + p.length + " values for a " + (oneD ? 1 : 2) + "-d input");
        for (int x : p) if (x < 0) throw n.error("pads " + java.util.Arrays.toString(p) + " must not be negative");
        return oneD ? new int[] {0, p[0], 0, p[1]} : p;
    }

    /** SAME_UPPER / SAME_LOWER: output size ⌈in / stride⌉, the odd padding element at the end (upper) or start. */
    static int[] autoPads(String mode, Tensor x, Tensor w, int[] s, int[] d, OnnxNode n) {
        if (mode.equals("VALID")) return new int[4];
        if (!mode.equals("SAME_UPPER") && !mode.equals("SAME_LOWER")) throw n.error("auto_pad '" + mode + "' is not supported");
        int[] p = new int[4];
        for (int a = 0; a < 2; a++) {
            int in = x.size(2 + a), k = w.size(2 + a), out = (in + s[a] - 1) / s[a];
            int total = Math.max(0, (out - 1) * s[a] + (k - 1) * d[a] + 1 - in);
            int small = total / 2, big = total - small;
            p[a] = mode.equals("SAME_UPPER") ? small : big;
            p[a + 2] = mode.equals("SAME_UPPER") ? big : small;
        }
        return p;
    }
}
