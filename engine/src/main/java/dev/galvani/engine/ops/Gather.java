package dev.galvani.engine.ops;

import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.ShapeException;
import dev.galvani.engine.Shapes;
import dev.galvani.engine.Tensor;

/**
 * {@code x} indexed along one axis by constant integer indices (ONNX {@code Gather},
 * {@code torch.index_select} for any index shape): data [A..., n, B...] and indices of shape I
 * give [A..., I..., B...]; negative indices count from the end. The VJP adds each slice's gradient
 * back into the slice it came from (repeated indices accumulate); the JVP gathers the tangent.
 */
public final class Gather extends Op {
    private final int axis;
    private final int[] indices, indexShape;
    private Axes ax;

    public Gather(int axis, int[] indices, int... indexShape) {
        this.axis = axis;
        this.indices = indices.clone();
        this.indexShape = indexShape.clone();
    }

    @Override public String name() { return "gather"; }

    @Override protected Tensor forward(Tensor[] in) {
        int[] s = in[0].shape();
        ax = Axes.of(s, axis);
        for (int i = 0; i < indices.length; i++) {
            int k = indices[i];
            if (k < -ax.n() || k >= ax.n()) {
                throw new GalvaniException(name() + ": index " + k + " at position " + i + " is outside axis " + axis + " of size " + ax.n());
            }
            if (k < 0) indices[i] = k + ax.n();
        }
        return gather(in[0]);
    }

    private Tensor gather(Tensor x) {
        int m = indices.length, inner = ax.inner();
        float[] d = x.data(), o = new float[ax.outer() * m * inner];
        for (int p = 0; p < ax.outer(); p++) {
            for (int i = 0; i < m; i++) {
                System.arraycopy(d, (p * ax.n() + indices[i]) * inner, o, (p * m + i) * inner, inner);
            }
        }
        return new Tensor(o, outShape(x.shape()));
    }

    private int[] outShape(int[] s) {
        int a = Shapes.axis(axis, s.length);
        int[] os = new int[s.length - 1 + indexShape.length];
        System.arraycopy(s, 0, os, 0, a);
        System.arraycopy(indexShape, 0, os, a, indexShape.length);
        System.arraycopy(s, a + 1, os, a + indexShape.length, s.length - a - 1);
        if (Shapes.numel(indexShape) != indices.length) {
            throw new ShapeException(name(), indices.length + " indices for index shape " + java.util.Arrays.toString(indexShape));
        }
        return os;
    }

    @Override protected Tensor[] vjp(Tensor g) {
        int m = indices.length, inner = ax.inner();
        float[] dx = new float[in[0].numel()], gd = g.data();
        for (int p = 0; p < ax.outer(); p++) {
            for (int i = 0; i < m; i++) {
                int src = (p * m + i) * inner, dst = (p * ax.n() + indices[i]) * inner;
                for (int j = 0; j < inner; j++) dx[dst + j] += gd[src + j];
            }
        }
        return new Tensor[] {new Tensor(dx, in[0].shape())};
    }

    @Override protected Tensor jvp(Tensor[] t) {
        return gather(t[0]);
    }
}
