package dev.galvani.engine.ops;

import dev.galvani.engine.Tensor;
import dev.galvani.kernels.BinaryOp;

/** {@code a * b} elementwise with NumPy broadcasting. */
public final class Mul extends Op {
    @Override public String name() { return "mul"; }

    @Override protected Tensor forward(Tensor[] in) {
        return Broadcast.binary(name(), in[0], in[1], BinaryOp.MUL);
    }

    // d(ab) = b da + a db
    @Override protected Tensor[] vjp(Tensor g) {
        Tensor a = in[0], b = in[1];
        return new Tensor[] {
            a.requiresGrad() ? Broadcast.reduceTo(g.mul(b), a.shape()) : null,
            b.requiresGrad() ? Broadcast.reduceTo(g.mul(a), b.shape()) : null};
    }

    @Override protected Tensor jvp(Tensor[] t) {
        int[] s = out.shape();
        Tensor ta = t[0] == null ? null : Broadcast.expand(t[0].mul(in[1]), s);
        Tensor tb = t[1] == null ? null : Broadcast.expand(in[0].mul(t[1]), s);
        return addTangents(ta, tb);
    }
}
