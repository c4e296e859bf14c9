package dev.galvani.engine.ops;

import dev.galvani.engine.ShapeException;
import dev.galvani.engine.Shapes;
import dev.galvani.engine.Tensor;

import java.util.Arrays;

/** Reorders axes (a copy): output axis i is input axis {@code axes[i]}. */
public final class Permute extends Op {
    private final int[] axes;

    public Permute(int... axes) {
        this.axes = axes;
    }

    @Override public String name() { return "permute"; }

    @Override protected Tensor forward(Tensor[] in) {
        return permute(in[0], axes);
    }

    static Tensor permute(Tensor x, int[] axes) {
        int[] s = x.shape();
        int r = s.length;
        if (axes.length != r) throw new ShapeException("permute", "axes " + Arrays.toString(axes) + " for shape " + Arrays.toString(s));
        boolean[] seen = new boolean[r];
        int[] os = new int[r];
        int[] st = Shapes.strides(s), ost = new int[r];
        for (int i = 0; i < r; i++) {
            int a = Shapes.axis(axes[i], r);
            if (seen[a]) throw new ShapeException("permute", "axes " + Arrays.toString(axes) + " repeat an axis");
            seen[a] = true;
            os[i] = s[a];
            ost[i] = st[a];
        }
        int[] normalised = new int[r];
        for (int i = 0; i < r; i++) normalised[i] = Shapes.axis(axes[i], r);
        Tensor o = Storages.zeros(x, os);
        Storages.backend(x).permute(x.storage(), s, normalised, o.storage());
        return o;
    }

    private int[] inverse() {
        int r = axes.length;
        int[] inv = new int[r];
        for (int i = 0; i < r; i++) inv[Shapes.axis(axes[i], r)] = i;
        return inv;
    }

    @Override protected Tensor[] vjp(Tensor g) {
        return new Tensor[] {permute(g, inverse())};
    }

    @Override protected Tensor jvp(Tensor[] t) {
        return permute(t[0], axes);
    }
}
