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
        int len = end - start, run = len * ax.inner();
        int[] os = s.clone();
        os[Shapes.axis(axis, s.length)] = len;
        Tensor o = Storages.zeros(x, os);
        Storages.backend(x).copyStrided(x.storage(), start * ax.inner(), ax.n() * ax.inner(), o.storage(), 0, run, run, ax.outer());
        return o;
    }

    @Override protected Tensor[] vjp(Tensor g) {
        int[] s = in[0].shape();
        Axes ax = Axes.of(s, axis);
        int run = (end - start) * ax.inner();
        Tensor o = Storages.zeros(g, s);
        Storages.backend(g).copyStrided(g.storage(), 0, run, o.storage(), start * ax.inner(), ax.n() * ax.inner(), run, ax.outer());
        return new Tensor[] {o};
    }

    @Override protected Tensor jvp(Tensor[] t) {
        int[] s = in[0].shape();
        return copy(t[0], Axes.of(s, axis), s);
    }
}
