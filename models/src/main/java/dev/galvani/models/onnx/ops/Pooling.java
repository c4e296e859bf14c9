package dev.galvani.models.onnx.ops;

import dev.galvani.engine.F;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.ops.Pool2d;
import dev.galvani.models.onnx.Converters;
import dev.galvani.models.onnx.NodeFunction;
import dev.galvani.models.onnx.OnnxNode;
import dev.galvani.models.onnx.Values;

/**
 * MaxPool, AveragePool (1-d and 2-d, every attribute) and the global poolings. Square windows
 * with symmetric padding run on the engine's fast square ops; the rest on {@link Pool2d}.
 */
public final class Pooling {
    private Pooling() {}

    public static void register(Converters c) {
        c.add("MaxPool", 1, n -> pool(n, Pool2d.Kind.MAX));
        c.add("AveragePool", 1, n -> pool(n, Pool2d.Kind.AVERAGE));
        c.add("GlobalAveragePool", 1, n -> in -> {
            Tensor x = Values.tensor(in[0]);
            return x.mean(true, spatialAxes(x));
        });
        c.add("GlobalMaxPool", 1, n -> in -> {
            Tensor x = Values.tensor(in[0]);
            return F.max(x, true, spatialAxes(x));
        });
    }

    private static int[] spatialAxes(Tensor x) {
        int[] a = new int[x.dim() - 2];
        for (int i = 0; i < a.length; i++) a[i] = i + 2;
        return a;
    }

    private static NodeFunction pool(OnnxNode n, Pool2d.Kind kind) {
        int[] k0 = n.attrInts("kernel_shape", null);
        if (k0 == null) throw n.error("has no kernel_shape");
        if (n.attrInt("storage_order", 0) != 0) throw n.error("storage_order 1 (column-major indices) is not supported");
        int[] s0 = n.attrInts("strides", null), d0 = n.attrInts("dilations", null), p0 = n.attrInts("pads", null);
        String autoPad = n.attrString("auto_pad", "NOTSET");
        boolean ceil = n.attrInt("ceil_mode", 0) != 0;
        boolean includePad = n.attrInt("count_include_pad", 0) != 0;
        return in -> {
            Tensor x = Values.tensor(in[0]);
            boolean oneD = x.dim() == 3;
            if (!oneD && x.dim() != 4) throw n.error(n.opType() + " of a " + x.dim() + "-d input " + x.shapeString() + " is not supported");
            if (oneD) x = x.reshape(x.size(0), x.size(1), 1, x.size(2));
            int[] k = Convolution.spatial(n, "kernel_shape", k0, oneD, 1), s = Convolution.spatial(n, "strides", s0, oneD, 1);
            int[] d = Convolution.spatial(n, "dilations", d0, oneD, 1), p = Convolution.pads(n, p0, oneD);
            if (!autoPad.equals("NOTSET")) p = Convolution.autoPads(autoPad, x, Tensor.zeros(1, 1, k[0], k[1]), s, d, n);
            Tensor y = square(x, kind, k, s, p, d, ceil, includePad)
                    ? (kind == Pool2d.Kind.MAX ? F.maxPool2d(x, k[0], s[0], p[0]) : F.avgPool2d(x, k[0], s[0], p[0]))
                    : F.pool2d(x, kind, k, s, p, d, ceil, includePad);
            return oneD ? y.reshape(y.size(0), y.size(1), y.size(3)) : y;
        };
    }

    /** Whether the engine's square pooling ops compute exactly this pooling. */
    private static boolean square(Tensor x, Pool2d.Kind kind, int[] k, int[] s, int[] p, int[] d, boolean ceil, boolean includePad) {
        boolean same = k[0] == k[1] && s[0] == s[1] && d[0] == 1 && d[1] == 1
                && p[0] == p[1] && p[1] == p[2] && p[2] == p[3] && p[0] <= k[0] / 2;
        if (!same) return false;
        if (kind == Pool2d.Kind.AVERAGE && !includePad && p[0] > 0) return false; // AvgPool2d divides by k²
        if (!ceil) return true;
        for (int a = 0; a < 2; a++) { // ceil_mode changes nothing when the windows tile the axis exactly
            int in = x.size(2 + a);
            if (Pool2d.outSize(in, k[a], s[a], p[a], p[a + 2], 1, true) != Pool2d.outSize(in, k[a], s[a], p[a], p[a + 2], 1, false)) return false;
        }
        return true;
    }
}
