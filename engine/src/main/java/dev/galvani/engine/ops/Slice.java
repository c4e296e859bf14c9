package dev.galvani.engine.ops;

import dev.galvani.engine.ShapeException;
import dev.galvani.engine.Shapes;
import dev.galvani.engine.Tensor;

/** {@code x[..., start:end, ...]} along one axis (a copy). */
public final class Slice extends Op {
    private final int axis, start, end;

    public Slice(int axis, int start, int end) {
        this.axis = axis;
        this.start = start;
        this.end = end;
    }

    @Override public String name() { return "slice"; }

    @Override protected Tensor forward(Tensor[] in) {
        int[] s = in[0].shape();
        Axes ax = Axes.of(s, axis);
        if (start < 0 || end > ax.n() || start > end) {
            throw new ShapeException(name(), "range " + start + ":" + end + " out of bounds for axis " + axis + " of " + in[0].shapeString());
        }
        return copy(in[0], ax, s);
    }

    private Tensor copy(Tensor x, Axes ax, int[] s) {
        int len = end - start;
        float[] d = x.data(), o = new float[ax.outer() * len * ax.inner()];
        for (int p = 0; p < ax.outer(); p++) {
            System.arraycopy(d, (p * ax.n() + start) * ax.inner(), o, p * len * ax.inner(), len * ax.inner());
        }
        int[] os = s.clone();
        os[Shapes.axis(axis, s.length)] = len;
        return new Tensor(o, os);
    }

    @Override protected Tensor[] vjp(Tensor g) {
        int[] s = in[0].shape();
        Axes ax = Axes.of(s, axis);
        int len = end - start;
        float[] o = new float[in[0].numel()], gd = g.data();
        for (int p = 0; p < ax.outer(); p++) {
            System.arraycopy(gd, p * len * ax.inner(), o, (p * ax.n() + start) * ax.inner(), len * ax.inner());
        }
        return new Tensor[] {new Tensor(o, s)};
    }

    @Override protected Tensor jvp(Tensor[] t) {
        int[] s = in[0].shape();
        return copy(t[0], Axes.of(s, axis), s);
    }
}
