package dev.galvani.models.onnx;

import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Tensor;

/** Conversions between an ONNX graph's two kinds of value: float {@link Tensor}s and {@link Ints}. */
public final class Values {
    private Values() {}

    /** A float value; integers (constants only) become a tensor outside any graph. */
    public static Tensor tensor(Object v) {
        if (v instanceof Tensor t) return t;
        if (v instanceof Ints i) return toTensor(i);
        throw new GalvaniException("expected a tensor, got " + v);
    }

    public static Tensor toTensor(Ints i) {
        float[] d = new float[i.numel()];
        for (int k = 0; k < d.length; k++) d[k] = i.values()[k];
        return new Tensor(d, i.shape());
    }

    /** Integer values; a float tensor is truncated towards zero (ONNX {@code Cast}). */
    public static Ints ints(Object v) {
        if (v instanceof Ints i) return i;
        if (v instanceof Tensor t) {
            float[] d = t.data();
            long[] r = new long[d.length];
            for (int k = 0; k < d.length; k++) r[k] = (long) d[k];
            return new Ints(r, t.shape());
        }
        throw new GalvaniException("expected integers, got " + v);
    }

    public static int[] shapeOf(Object v) {
        return v instanceof Tensor t ? t.shape() : ((Ints) v).shape();
    }
}
