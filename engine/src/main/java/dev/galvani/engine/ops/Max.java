package dev.galvani.engine.ops;

import dev.galvani.engine.Shapes;
import dev.galvani.engine.Tensor;

/**
 * Maximum over the given axes (all when null). The derivative flows through the first maximal
 * element (ties go to the lowest flat index), like a subgradient choice.
 */
public final class Max extends Op {
    private final int[] axes;
    private final boolean keepDims;
    private dev.galvani.kernels.Indices argmax;   // flat input index of each output's maximum

    public Max(int[] axes, boolean keepDims) {
        this.axes = axes;
        this.keepDims = keepDims;
    }

    @Override public String name() { return "max"; }

    @Override protected Tensor forward(Tensor[] in) {
        int[] s = in[0].shape();
        boolean[] reduce = new boolean[s.length];
        if (axes == null) java.util.Arrays.fill(reduce, true);
        else for (int a : axes) reduce[Shapes.axis(a, s.length)] = true;
        int[] kept = s.clone();
        int rank = 0;
        for (int i = 0; i < s.length; i++) {
            if (reduce[i]) kept[i] = 1;
            else rank++;
        }
        Tensor o = Storages.zeros(in[0], kept);
        argmax = Storages.backend(in[0]).maxTo(in[0].storage(), s, o.storage(), kept);
        if (keepDims) return o;
        int[] os = new int[rank];
        for (int i = 0, k = 0; i < s.length; i++) if (!reduce[i]) os[k++] = s[i];
        return new Tensor(o.storage(), os);
    }

    @Override protected Tensor[] vjp(Tensor g) {
        Tensor d = Storages.zeros(g, in[0].shape());
        Storages.backend(g).scatterAdd(g.storage(), argmax, 1, d.storage());
        return new Tensor[] {d};
    }

    @Override protected Tensor jvp(Tensor[] t) {
        Tensor o = Storages.zeros(t[0], out.shape());
        Storages.backend(t[0]).gather(t[0].storage(), argmax, 1, 0f, o.storage());
        return o;
    }
}
