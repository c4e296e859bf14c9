package dev.galvani.engine.ops;

import dev.galvani.engine.Tensor;
import dev.galvani.kernels.BinaryOp;

/** {@code a / b} elementwise with NumPy broadcasting. */
public final class Div extends Op {
    @Override public String name() { return "div"; }

    @Override protected Tensor forward(Tensor[] in) {
        return Broadcast.binary(name(), in[0], in[1], BinaryOp.DIV);
    }

    // d(a/b) = da / b - (a/b) db / b
    @Override protected Tensor[] vjp(Tensor g) {
        Tensor a = in[0], b = in[1];
        Tensor gb = g.div(b);
        return new Tensor[] {
            a.requiresGrad() ? Broadcast.reduceTo(gb, a.shape()) : null,
            b.requiresGrad() ? Broadcast.reduceTo(gb.mul(out).neg(), b.shape()) : null};
    }

    @Override protected Tensor jvp(Tensor[] t) {
        int[] s = out.shape();
        Tensor ta = t[0] == null ? null : Broadcast.expand(t[0].div(in[1]), s);
        Tensor tb = t[1] == null ? null : Broadcast.expand(t[1].div(in[1]).mul(out).neg(), s);
        return addTangents(ta, tb);
    }
}
