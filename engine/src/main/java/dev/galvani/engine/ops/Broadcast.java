package dev.galvani.engine.ops;

import dev.galvani.engine.Shapes;
import dev.galvani.engine.Tensor;
import dev.galvani.kernels.BinaryOp;

import java.util.Arrays;

/** Broadcasting helpers shared by the binary ops: the elementwise op and the reduction of gradients. */
final class Broadcast {
    private Broadcast() {}

    static Tensor binary(String op, Tensor a, Tensor b, BinaryOp f) {
        int[] sa = a.shape(), sb = b.shape();
        int[] so = Arrays.equals(sa, sb) ? sa : Shapes.broadcast(op, sa, sb);
        Tensor o = Storages.zeros(a, so);
        Storages.backend(a).binary(f, a.storage(), sa, b.storage(), sb, o.storage(), so);
        return o;
    }

    /** Sums a gradient of the broadcast shape back down to {@code shape}. */
    static Tensor reduceTo(Tensor g, int[] shape) {
        int[] gs = g.shape();
        if (Arrays.equals(gs, shape)) return g;
        Tensor o = Storages.zeros(g, shape);
        Storages.backend(g).sumTo(g.storage(), gs, o.storage(), shape);
        return o;
    }

    /** Broadcasts {@code t} up to {@code shape} (a copy). */
    static Tensor expand(Tensor t, int[] shape) {
        if (Arrays.equals(t.shape(), shape)) return t;
        int[] so = Shapes.broadcast("expand", t.shape(), shape);
        Tensor o = Storages.zeros(t, so);
        Storages.backend(t).broadcastTo(t.storage(), t.shape(), o.storage(), so);
        return o;
    }
}
