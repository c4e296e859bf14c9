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
        sumInto(g.data(), shape, gs, out);
        return new Tensor(out, shape);
    }

    /**
     * {@code out[in index of f] += d[f]} for every flat index f of the broadcast shape, in flat
     * order (each output's terms are added in the order they lie in d).
     */
    static void sumInto(float[] d, int[] small, int[] full, float[] out) {
        Shapes.Walk w = Shapes.Walk.of(small, full);
        int[] n = w.size(), st = w.stride();
        switch (w.levels()) {
            case 1 -> {
                for (int a = 0; a < n[0]; a++) out[a * st[0]] += d[a];
            }
            case 2 -> {
                for (int a = 0, f = 0; a < n[0]; a++) {
                    int ia = a * st[0];
                    if (st[1] == 0) {
                        float s = out[ia];
                        for (int b = 0; b < n[1]; b++) s += d[f++];
                        out[ia] = s;
                    } else {
                        for (int b = 0; b < n[1]; b++) out[ia + b * st[1]] += d[f++];
                    }
                }
            }
            case 3 -> {
                for (int a = 0, f = 0; a < n[0]; a++) {
                    for (int b = 0; b < n[1]; b++) {
                        int ib = a * st[0] + b * st[1];
                        for (int c = 0; c < n[2]; c++) out[ib + c * st[2]] += d[f++];
                    }
                }
            }
            default -> {
                int[] idx = Shapes.broadcastIndex(small, full);
                for (int i = 0; i < d.length; i++) out[idx[i]] += d[i];
            }
        }
    }

    /** Broadcasts {@code t} up to {@code shape} (a copy). */
    static Tensor expand(Tensor t, int[] shape) {
        if (Arrays.equals(t.shape(), shape)) return t;
        int[] full = Shapes.broadcast("expand", t.shape(), shape);
        float[] d = t.data(), o = new float[Shapes.numel(full)];
        Shapes.Walk w = Shapes.Walk.of(t.shape(), full);
        int[] n = w.size(), st = w.stride();
        switch (w.levels()) {
            case 1 -> {
                for (int a = 0; a < n[0]; a++) o[a] = d[a * st[0]];
            }
            case 2 -> {
                for (int a = 0, f = 0; a < n[0]; a++, f += n[1]) {
                    int ia = a * st[0];
                    if (st[1] == 0) Arrays.fill(o, f, f + n[1], d[ia]);
                    else for (int b = 0; b < n[1]; b++) o[f + b] = d[ia + b * st[1]];
                }
            }
            case 3 -> {
                for (int a = 0, f = 0; a < n[0]; a++) {
                    for (int b = 0; b < n[1]; b++, f += n[2]) {
                        int ib = a * st[0] + b * st[1];
                        if (st[2] == 0) Arrays.fill(o, f, f + n[2], d[ib]);
                        else for (int c = 0; c < n[2]; c++) o[f + c] = d[ib + c * st[2]];
                    }
                }
            }
            default -> {
                int[] idx = Shapes.broadcastIndex(t.shape(), full);
                for (int i = 0; i < o.length; i++) o[i] = d[idx[i]];
            }
        }
        return new Tensor(o, shape);
    }
}
