package dev.galvani.engine.ops;

import dev.galvani.engine.Shapes;
import dev.galvani.engine.Tensor;

/** Sum over the given axes (all axes when null), optionally keeping them as size 1. */
public final class Sum extends Op {
    private final int[] axes;
    private final boolean keepDims;
    private int[] keptShape;

    public Sum(int[] axes, boolean keepDims) {
        this.axes = axes;
        this.keepDims = keepDims;
    }

    @Override public String name() { return "sum"; }

    @Override protected Tensor forward(Tensor[] in) {
        int[] s = in[0].shape();
        boolean[] reduce = new boolean[s.length];
        if (axes == null) {
            java.util.Arrays.fill(reduce, true);
        } else {
            for (int a : axes) reduce[Shapes.axis(a, s.length)] = true;
        }
        keptShape = s.clone();
        int outRank = 0;
        for (int i = 0; i < s.length; i++) {
            if (reduce[i]) keptShape[i] = 1;
            else outRank++;
        }
        Tensor o = Storages.zeros(in[0], keptShape);
        Storages.backend(in[0]).sumTo(in[0].storage(), s, o.storage(), keptShape);
        if (keepDims) return o;
        int[] os = new int[outRank];
        for (int i = 0, j = 0; i < s.length; i++) if (!reduce[i]) os[j++] = s[i];
        return new Tensor(o.storage(), os);
    }

    @Override protected Tensor[] vjp(Tensor g) {
        return new Tensor[] {Broadcast.expand(g.reshape(keptShape), in[0].shape())};
    }

    @Override protected Tensor jvp(Tensor[] t) {
        return new Sum(axes, keepDims).apply(t[0]);
    }
}
