package dev.galvani.models.onnx.ops;

import dev.galvani.engine.F;
import dev.galvani.engine.Shapes;
import dev.galvani.engine.Tensor;
import dev.galvani.models.onnx.Converters;
import dev.galvani.models.onnx.Ints;
import dev.galvani.models.onnx.NodeFunction;
import dev.galvani.models.onnx.OnnxNode;
import dev.galvani.models.onnx.Values;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Layout and indexing: Flatten, Reshape, Transpose, Squeeze, Unsqueeze, Concat, Gather, Slice,
 * and the integer shape computations PyTorch's exporter writes around them (Shape, Cast,
 * ConstantOfShape), plus Constant, Identity and Dropout (inference: identity).
 */
public final class TensorShapes {
    private TensorShapes() {}

    public static void register(Converters c) {
        c.add("Constant", 1, TensorShapes::constant);
        c.add("Identity", 1, n -> in -> in[0]);
        c.add("Dropout", 1, n -> in -> in[0]);
        c.add("Flatten", 1, n -> {
            int axis = (int) n.attrInt("axis", 1);
            return in -> {
                Tensor x = Values.tensor(in[0]);
                int a = axis < 0 ? axis + x.dim() : axis, outer = 1;
                for (int i = 0; i < a; i++) outer *= x.size(i);
                return x.reshape(outer, x.numel() / Math.max(1, outer));
            };
        });
        c.add("Reshape", 5, n -> {
            boolean allowZero = n.attrInt("allowzero", 0) != 0;
            return in -> {
                int[] shape = Values.ints(in[1]).toIntArray(), s = Values.shapeOf(in[0]);
                for (int i = 0; i < shape.length; i++) if (shape[i] == 0 && !allowZero) shape[i] = s[i];
                return in[0] instanceof Ints i ? IntMath.reshape(i, shape) : Values.tensor(in[0]).reshape(shape);
            };
        });
        c.add("Transpose", 1, n -> {
            int[] perm = n.attrInts("perm", null);
            return in -> {
                Tensor x = Values.tensor(in[0]);
                int[] p = perm;
                if (p == null) {
                    p = new int[x.dim()];
                    for (int i = 0; i < p.length; i++) p[i] = p.length - 1 - i;
                }
                return F.permute(x, p);
            };
        });
        c.add("Squeeze", 1, 12, n -> squeeze(n.attrInts("axes", null)));
        c.add("Squeeze", 13, n -> {
            Ints a = n.constantInts(1, "the axes");
            return squeeze(a == null ? null : a.toIntArray());
        });
        c.add("Unsqueeze", 1, 12, n -> unsqueeze(n, n.attrInts("axes", null)));
        c.add("Unsqueeze", 13, n -> {
            Ints a = n.constantInts(1, "the axes");
            return unsqueeze(n, a == null ? null : a.toIntArray());
        });
        c.add("Concat", 4, n -> {
            int axis = (int) n.attrInt("axis", 0);
            return in -> {
                boolean ints = true;
                for (Object o : in) ints &= o instanceof Ints;
                if (ints) return IntMath.concat(Arrays.copyOf(in, in.length, Ints[].class), axis);
                Tensor[] ts = new Tensor[in.length];
                for (int i = 0; i < in.length; i++) ts[i] = Values.tensor(in[i]);
                return F.concat(axis, ts);
            };
        });
        c.add("Shape", 1, n -> {
            long start = n.attrInt("start", 0), end = n.attrInt("end", Long.MAX_VALUE);
            return in -> {
                int[] s = Values.shapeOf(in[0]);
                int r = s.length, a = (int) clamp(start < 0 ? start + r : start, 0, r), b = (int) clamp(end < 0 ? end + r : end, 0, r);
                long[] v = new long[Math.max(0, b - a)];
                for (int i = 0; i < v.length; i++) v[i] = s[a + i];
                return Ints.vector(v);
            };
        });
        c.add("Gather", 1, n -> {
            int axis = (int) n.attrInt("axis", 0);
            return in -> {
                Ints idx = Values.ints(in[1]);
                if (in[0] instanceof Ints data) return IntMath.gather(data, axis, idx.values(), idx.shape());
                return F.gather(Values.tensor(in[0]), axis, idx.toIntArray(), idx.shape());
            };
        });
        c.add("Slice", 1, 9, n -> slice(n, n.attrInts("starts", null), n.attrInts("ends", null), n.attrInts("axes", null), null));
        c.add("Slice", 10, n -> {
            Ints starts = n.constantInts(1, "the starts"), ends = n.constantInts(2, "the ends");
            Ints axes = n.constantInts(3, "the axes"), steps = n.constantInts(4, "the steps");
            return slice(n, longsToClampedInts(starts), longsToClampedInts(ends), axes == null ? null : axes.toIntArray(),
                    steps == null ? null : steps.toIntArray());
        });
        c.add("Cast", 6, n -> {
            int to = (int) n.attrInt("to", 1);
            boolean toFloat = to == 1 || to == 10 || to == 11 || to == 16;
            return in -> toFloat ? Values.tensor(in[0]) : Values.ints(in[0]);
        });
        c.add("ConstantOfShape", 9, n -> {
            Object value = n.attrTensor("value");
            return in -> {
                int[] shape = Values.ints(in[0]).toIntArray();
                if (value instanceof Ints v) {
                    long[] o = new long[Shapes.numel(shape)];
                    Arrays.fill(o, v.values()[0]);
                    return new Ints(o, shape);
                }
                return Tensor.full(value == null ? 0f : ((Tensor) value).data()[0], shape);
            };
        });
    }

    private static NodeFunction constant(OnnxNode n) {
        Object v = n.attrTensor("value");
        if (v == null && n.has("value_float")) v = Tensor.scalar(n.attrFloat("value_float", 0f));
        if (v == null && n.has("value_floats")) {
            float[] f = n.attrFloats("value_floats");
            v = new Tensor(f, f.length);
        }
        if (v == null && n.has("value_int")) v = Ints.scalar(n.attrInt("value_int", 0));
        if (v == null && n.has("value_ints")) {
            int[] i = n.attrInts("value_ints", new int[0]);
            v = Ints.vector(Arrays.stream(i).asLongStream().toArray());
        }
        if (v == null) throw n.error("Constant without a numeric value (sparse and string constants are not supported)");
        Object value = v;
        return in -> value;
    }

    private static long clamp(long v, long lo, long hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    /** Slice bounds are int64 and may be ±2^63 ("to the end"): clamp into the int range first. */
    private static int[] longsToClampedInts(Ints v) {
        if (v == null) return null;
        int[] r = new int[v.numel()];
        for (int i = 0; i < r.length; i++) r[i] = (int) clamp(v.values()[i], Integer.MIN_VALUE + 1L, Integer.MAX_VALUE);
        return r;
    }

    private static NodeFunction squeeze(int[] axes) {
        return in -> {
            int[] s = Values.shapeOf(in[0]);
            boolean[] drop = new boolean[s.length];
            if (axes == null) for (int i = 0; i < s.length; i++) drop[i] = s[i] == 1;
            else for (int a : axes) drop[Shapes.axis(a, s.length)] = true;
            List<Integer> out = new ArrayList<>();
            for (int i = 0; i < s.length; i++) if (!drop[i]) out.add(s[i]);
            return reshape(in[0], out.stream().mapToInt(Integer::intValue).toArray());
        };
    }

    private static NodeFunction unsqueeze(OnnxNode n, int[] axes) {
        if (axes == null) throw n.error("Unsqueeze has no axes");
        return in -> {
            int[] s = Values.shapeOf(in[0]);
            int r = s.length + axes.length;
            boolean[] added = new boolean[r];
            for (int a : axes) added[Shapes.axis(a, r)] = true;
            int[] o = new int[r];
            for (int i = 0, j = 0; i < r; i++) o[i] = added[i] ? 1 : s[j++];
            return reshape(in[0], o);
        };
    }

    private static Object reshape(Object v, int[] shape) {
        return v instanceof Ints i ? new Ints(i.values(), shape) : Values.tensor(v).reshape(shape);
    }

    /**
     * ONNX Slice: per listed axis, {@code start} and {@code end} (negative count from the end,
     * clamped to the axis) and a step. Unit steps on floats are the engine's slice; other steps
     * pick their indices with a gather.
     */
    private static NodeFunction slice(OnnxNode n, int[] starts, int[] ends, int[] axes, int[] steps) {
        if (starts == null || ends == null) throw n.error("Slice needs starts and ends");
        return in -> {
            Object v = in[0];
            int[] s = Values.shapeOf(v);
            for (int i = 0; i < starts.length; i++) {
                int a = Shapes.axis(axes == null ? i : axes[i], s.length), dim = s[a], step = steps == null ? 1 : steps[i];
                if (step == 0) throw n.error("Slice step 0");
                long st = starts[i] < 0 ? (long) starts[i] + dim : starts[i], en = ends[i] < 0 ? (long) ends[i] + dim : ends[i];
                int from = (int) (step > 0 ? clamp(st, 0, dim) : clamp(st, 0, dim - 1));
                int to = (int) (step > 0 ? clamp(en, 0, dim) : clamp(en, -1, dim - 1));
                if (step == 1 && v instanceof Tensor t) {
                    v = F.slice(t, a, from, Math.max(from, to));
                } else {
                    List<Integer> idx = new ArrayList<>();
                    for (int k = from; step > 0 ? k < to : k > to; k += step) idx.add(k);
                    int[] ix = idx.stream().mapToInt(Integer::intValue).toArray();
                    v = v instanceof Ints iv ? IntMath.gather(iv, a, Arrays.stream(ix).asLongStream().toArray(), new int[] {ix.length})
                            : F.gather(Values.tensor(v), a, ix, ix.length);
                }
                s = Values.shapeOf(v);
            }
            return v;
        };
    }
}
