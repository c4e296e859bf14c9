package dev.galvani.engine.ops;

import dev.galvani.engine.ShapeException;
import dev.galvani.engine.Shapes;
import dev.galvani.engine.Tensor;

import java.util.Arrays;

/** Concatenation of any number of tensors along one axis. */
public final class Concat extends Op {
    private final int axis;

    public Concat(int axis) {
        this.axis = axis;
    }

    @Override public String name() { return "concat"; }

    @Override protected Tensor forward(Tensor[] in) {
        return concat(in);
    }

    private Tensor concat(Tensor[] xs) {
        int[] s0 = xs[0].shape();
        int a = Shapes.axis(axis, s0.length);
        int total = 0;
        for (Tensor x : xs) {
            int[] s = x.shape();
            for (int i = 0; i < s0.length; i++) {
                if (s.length != s0.length || (i != a && s[i] != s0[i])) {
                    throw new ShapeException(name(), "cannot concatenate " + Arrays.toString(s0) + " and " + Arrays.toString(s) + " along axis " + axis);
                }
            }
            total += s[a];
        }
        int[] os = s0.clone();
        os[a] = total;
        Axes ax = Axes.of(os, a);
        Tensor o = Storages.zeros(xs[0], os);
        int off = 0;
        for (Tensor x : xs) {
            int len = x.size(a) * ax.inner();
            Storages.backend(x).copyStrided(x.storage(), 0, len, o.storage(), off, total * ax.inner(), len, ax.outer());
            off += len;
        }
        return o;
    }

    @Override protected Tensor[] vjp(Tensor g) {
        int a = Shapes.axis(axis, g.dim());
        Tensor[] gs = new Tensor[in.length];
        int pos = 0;
        for (int i = 0; i < in.length; i++) {
            int len = in[i].size(a);
            gs[i] = new Slice(a, pos, pos + len).forward(new Tensor[] {g});
            pos += len;
        }
        return gs;
    }

    @Override protected Tensor jvp(Tensor[] t) {
        Tensor[] ts = new Tensor[in.length];
        for (int i = 0; i < in.length; i++) ts[i] = t[i] != null ? t[i] : Tensor.zerosLike(in[i]);
        return concat(ts);
    }
}
