package dev.galvani.engine.ops;

import dev.galvani.engine.Shapes;
import dev.galvani.engine.Tensor;

import java.util.Arrays;

/** Broadcasting helpers shared by the binary ops: the elementwise loop and the reduction of gradients. */
final class Broadcast {
    private Broadcast() {}

    interface FloatBinary {
        float apply(float a, float b);
    }

    static Tensor binary(String op, Tensor a, Tensor b, FloatBinary f) {
        float[] x = a.data(), y = b.data();
        int[] sa = a.shape(), sb = b.shape();
        if (Arrays.equals(sa, sb)) {
            float[] o = new float[x.length];
            for (int i = 0; i < o.length; i++) o[i] = f.apply(x[i], y[i]);
            return new Tensor(o, sa);
        }
        int[] so = Shapes.broadcast(op, sa, sb);
        float[] o = new float[Shapes.numel(so)];
        if (y.length == 1 && Arrays.equals(so, sa)) {
            float s = y[0];
            for (int i = 0; i < o.length; i++) o[i] = f.apply(x[i], s);
        } else if (x.length == 1 && Arrays.equals(so, sb)) {
            float s = x[0];
            for (int i = 0; i < o.length; i++) o[i] = f.apply(s, y[i]);
        } else {
            int[] ia = Shapes.broadcastIndex(sa, so), ib = Shapes.broadcastIndex(sb, so);
            for (int i = 0; i < o.length; i++) o[i] = f.apply(x[ia[i]], y[ib[i]]);
        }
        return new Tensor(o, so);
    }

    /** Sums a gradient of the broadcast shape back down to {@code shape}. */
    static Tensor reduceTo(Tensor g, int[] shape) {
        int[] gs = g.shape();
        if (Arrays.equals(gs, shape)) return g;
        float[] out = new float[Shapes.numel(shape)];
        int[] idx = Shapes.broadcastIndex(shape, gs);
        float[] d = g.data();
        for (int i = 0; i < d.length; i++) out[idx[i]] += d[i];
        return new Tensor(out, shape);
    }

    /** Broadcasts {@code t} up to {@code shape} (a copy). */
    static Tensor expand(Tensor t, int[] shape) {
        if (Arrays.equals(t.shape(), shape)) return t;
        int[] idx = Shapes.broadcastIndex(t.shape(), Shapes.broadcast("expand", t.shape(), shape));
        float[] d = t.data(), o = new float[idx.length];
        for (int i = 0; i < o.length; i++) o[i] = d[idx[i]];
        return new Tensor(o, shape);
    }
}
