package dev.galvani.engine.ops;

import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.ShapeException;
import dev.galvani.engine.Shapes;
import dev.galvani.engine.Tensor;
import dev.galvani.kernels.Indices;

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
    private Indices rows;

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

    /** Rows {@code p·n + indices[i]} of x seen as [outer·n, inner], for each output row {@code p·m + i}. */
    private Indices rows(Tensor x) {
        if (rows == null) {
            int m = indices.length;
            int[] r = new int[ax.outer() * m];
            for (int p = 0; p < ax.outer(); p++) for (int i = 0; i < m; i++) r[p * m + i] = p * ax.n() + indices[i];
            rows = Storages.indices(x, r);
        }
        return rows;
    }

    private Tensor gather(Tensor x) {
        Tensor o = Storages.zeros(x, outShape(x.shape()));
        Storages.backend(x).gather(x.storage(), rows(x), ax.inner(), 0f, o.storage());
        return o;
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
        Tensor dx = Storages.zeros(g, in[0].shape());
        Storages.backend(g).scatterAdd(g.storage(), rows(g), ax.inner(), dx.storage());
        return new Tensor[] {dx};
    }

    @Override protected Tensor jvp(Tensor[] t) {
        return gather(t[0]);
    }
}
