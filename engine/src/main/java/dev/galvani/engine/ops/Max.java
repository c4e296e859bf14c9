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
    private int[] argmax;   // flat input index of each output's maximum

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
        int[] idx = Shapes.broadcastIndex(kept, s);
        int m = Shapes.numel(kept);
        float[] o = new float[m];
        java.util.Arrays.fill(o, Float.NEGATIVE_INFINITY);
        argmax = new int[m];
        java.util.Arrays.fill(argmax, -1);
        float[] x = in[0].data();
        for (int i = 0; i < x.length; i++) {
            int j = idx[i];
            if (argmax[j] < 0 || x[i] > o[j]) {
                o[j] = x[i];
                argmax[j] = i;
            }
        }
        if (keepDims) return new Tensor(o, kept);
        int[] os = new int[rank];
        for (int i = 0, k = 0; i < s.length; i++) if (!reduce[i]) os[k++] = s[i];
        return new Tensor(o, os);
    }

    @Override protected Tensor[] vjp(Tensor g) {
        float[] d = new float[in[0].numel()], gd = g.data();
        for (int j = 0; j < argmax.length; j++) d[argmax[j]] += gd[j];
        return new Tensor[] {new Tensor(d, in[0].shape())};
    }

    @Override protected Tensor jvp(Tensor[] t) {
        float[] td = t[0].data(), o = new float[argmax.length];
        for (int j = 0; j < o.length; j++) o[j] = td[argmax[j]];
        return new Tensor(o, out.shape());
    }
}
