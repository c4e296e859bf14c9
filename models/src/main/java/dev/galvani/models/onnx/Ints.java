package dev.galvani.models.onnx;

import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Shapes;

import java.util.Arrays;

/**
 * An integer tensor of an ONNX graph: shapes, axes, indices and token ids. These never carry
 * gradients (the engine's tensors are float), so they are kept apart from {@link dev.galvani.engine.Tensor}.
 */
public record Ints(long[] values, int[] shape) {
    public Ints {
        if (values.length != Shapes.numel(shape)) {
            throw new GalvaniException("integer tensor has " + values.length + " values, shape " + Arrays.toString(shape));
        }
    }

    public static Ints vector(long... v) {
        return new Ints(v, new int[] {v.length});
    }

    public static Ints scalar(long v) {
        return new Ints(new long[] {v}, new int[0]);
    }

    public int numel() {
        return values.length;
    }

    public int[] toIntArray() {
        int[] r = new int[values.length];
        for (int i = 0; i < r.length; i++) r[i] = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, values[i]));
        return r;
    }

    @Override public String toString() {
        return "Ints" + Arrays.toString(shape) + " " + Arrays.toString(values.length > 8 ? Arrays.copyOf(values, 8) : values);
    }
}
