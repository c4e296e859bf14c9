package dev.galvani.engine.ops;

import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.ShapeException;
import dev.galvani.engine.Tensor;

/** One column per row: x [N, C], classes [N] gives [N] (the attribution target {@code F}). */
public final class Pick extends Op {
    private final int[] classes;

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

    private Tensor gather(Tensor x) {
        int c = x.size(1);
        float[] d = x.data(), o = new float[classes.length];
        for (int i = 0; i < o.length; i++) o[i] = d[i * c + classes[i]];
        return new Tensor(o, classes.length);
    }

    @Override protected Tensor[] vjp(Tensor g) {
        int c = in[0].size(1);
        float[] d = new float[in[0].numel()], gd = g.data();
        for (int i = 0; i < classes.length; i++) d[i * c + classes[i]] = gd[i];
        return new Tensor[] {new Tensor(d, in[0].shape())};
    }

    @Override protected Tensor jvp(Tensor[] t) {
        return gather(t[0]);
    }
}
