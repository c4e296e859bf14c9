package dev.galvani.engine.ops;

import dev.galvani.engine.Tensor;
import dev.galvani.kernels.BinaryOp;

/** {@code a + b} with NumPy broadcasting. */
public final class Add extends Op {
    @Override public String name() { return "add"; }

    @Override protected Tensor forward(Tensor[] in) {
        return Broadcast.binary(name(), in[0], in[1], BinaryOp.ADD);
    }

    @Override protected Tensor[] vjp(Tensor g) {
        return new Tensor[] {Broadcast.reduceTo(g, in[0].shape()), Broadcast.reduceTo(g, in[1].shape())};
    }

    @Override protected Tensor jvp(Tensor[] t) {
        int[] s = out.shape();
        return addTangents(t[0] == null ? null : Broadcast.expand(t[0], s), t[1] == null ? null : Broadcast.expand(t[1], s));
    }
}
