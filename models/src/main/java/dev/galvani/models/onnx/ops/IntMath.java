package dev.galvani.models.onnx.ops;

import dev.galvani.engine.Shapes;
import dev.galvani.models.onnx.Ints;

import java.util.function.LongBinaryOperator;

/** Integer tensor arithmetic for the shape computations exporters write (Shape, Gather, Concat...). */
final class IntMath {
    private IntMath() {}

    static Ints binary(Ints a, Ints b, LongBinaryOperator f) {
        int[] s = Shapes.broadcast("integer op", a.shape(), b.shape());
        int[] ia = Shapes.broadcastIndex(a.shape(), s), ib = Shapes.broadcastIndex(b.shape(), s);
        long[] o = new long[ia.length];
        for (int i = 0; i < o.length; i++) o[i] = f.applyAsLong(a.values()[ia[i]], b.values()[ib[i]]);
        return new Ints(o, s);
    }

    static Ints reshape(Ints a, int[] shape) {
        return new Ints(a.values(), Shapes.inferReshape(a.shape(), shape));
    }

    /** Concatenation along an axis. */
    static Ints concat(Ints[] xs, int axis) {
        int r = xs[0].shape().length, a = Shapes.axis(axis, Math.max(r, 1));
        int outer = 1, inner = 1, total = 0;
        for (int i = 0; i < a; i++) outer *= xs[0].shape()[i];
        for (int i = a + 1; i < r; i++) inner *= xs[0].shape()[i];
        for (Ints x : xs) total += x.shape()[a];
        long[] o = new long[outer * total * inner];
        int off = 0;
        for (Ints x : xs) {
            int len = x.shape()[a] * inner;
            for (int p = 0; p < outer; p++) System.arraycopy(x.values(), p * len, o, p * total * inner + off, len);
            off += len;
        }
        int[] s = xs[0].shape().clone();
        s[a] = total;
        return new Ints(o, s);
    }

    /** Slices along {@code axis} picked by indices of shape {@code indexShape} (negative count from the end). */
    static Ints gather(Ints x, int axis, long[] idx, int[] indexShape) {
        int[] s = x.shape();
        int a = Shapes.axis(axis, s.length), outer = 1, inner = 1, n = s[a];
        for (int i = 0; i < a; i++) outer *= s[i];
        for (int i = a + 1; i < s.length; i++) inner *= s[i];
        long[] o = new long[outer * idx.length * inner];
        for (int p = 0; p < outer; p++) {
            for (int i = 0; i < idx.length; i++) {
                int k = (int) (idx[i] < 0 ? idx[i] + n : idx[i]);
                if (k < 0 || k >= n) throw new dev.galvani.engine.GalvaniException("gather: index " + idx[i] + " outside axis of size " + n);
                System.arraycopy(x.values(), (p * n + k) * inner, o, (p * idx.length + i) * inner, inner);
            }
        }
        int[] os = new int[s.length - 1 + indexShape.length];
        System.arraycopy(s, 0, os, 0, a);
        System.arraycopy(indexShape, 0, os, a, indexShape.length);
        System.arraycopy(s, a + 1, os, a + indexShape.length, s.length - a - 1);
        return new Ints(o, os);
    }
}
