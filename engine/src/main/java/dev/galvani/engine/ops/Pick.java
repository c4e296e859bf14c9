package dev.galvani.engine.ops;

import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.ShapeException;
import dev.galvani.engine.Tensor;
import dev.galvani.kernels.Indices;

/** One column per row: x [N, C], classes [N] gives [N] (the attribution target {@code F}). */
public final class Pick extends Op {
    private final int[] classes;
    private Indices positions;

    public Pick(int[] classes) {
        this.classes = classes;
    }

    @Override public String name() { return "pick"; }

    @Override protected Tensor forward(Tensor[] in) {
        Tensor x = in[0];
        if (x.dim() != 2 || x.size(0) != classes.length) throw new ShapeException(name(), "input " + x.shapeString() + " for " + classes.length + " indices");
        int c = x.size(1);
        for (int k : classes) if (k < 0 || k >= c) throw new GalvaniException("pick: class " + k + " out of range for " + c + " classes");
        return gather(x);
    }

    /** Flat positions {@code i·C + classes[i]}, on x's device (made once per application). */
    private Indices positions(Tensor x) {
        if (positions == null) {
            int c = x.size(1);
            int[] p = new int[classes.length];
            for (int i = 0; i < p.length; i++) p[i] = i * c + classes[i];
            positions = Storages.indices(x, p);
        }
        return positions;
    }

    private Tensor gather(Tensor x) {
        Tensor o = Storages.zeros(x, classes.length);
        Storages.backend(x).gather(x.storage(), positions(x), 1, 0f, o.storage());
        return o;
    }

    @Override protected Tensor[] vjp(Tensor g) {
        Tensor d = Storages.zeros(g, in[0].shape());
        Storages.backend(g).scatterAdd(g.storage(), positions(g), 1, d.storage());
        return new Tensor[] {d};
    }

    @Override protected Tensor jvp(Tensor[] t) {
        return gather(t[0]);
    }
}
