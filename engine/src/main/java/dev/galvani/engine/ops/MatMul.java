package dev.galvani.engine.ops;

import dev.galvani.engine.ShapeException;
import dev.galvani.engine.Tensor;

/** Matrix product of 2-d tensors: [m, k] x [k, n] = [m, n], on the current backend's GEMM. */
public final class MatMul extends Op {
    @Override public String name() { return "matmul"; }

    @Override protected Tensor forward(Tensor[] in) {
        Tensor a = in[0], b = in[1];
        if (a.dim() != 2 || b.dim() != 2 || a.size(1) != b.size(0)) {
            throw new ShapeException(name(), "cannot multiply " + a.shapeString() + " by " + b.shapeString());
        }
        return mm(a, false, b, false);
    }

    /** {@code op(a) op(b)} for 2-d tensors, where op transposes when asked. */
    static Tensor mm(Tensor a, boolean ta, Tensor b, boolean tb) {
        int m = ta ? a.size(1) : a.size(0), k = ta ? a.size(0) : a.size(1);
        int n = tb ? b.size(0) : b.size(1);
        Tensor c = Storages.zeros(a, m, n);
        Storages.backend(a).gemm(ta, tb, m, n, k, 1f, a.storage(), 0, a.size(1), b.storage(), 0, b.size(1), 0f, c.storage(), 0, n);
        return c;
    }

    // dA = G B^T, dB = A^T G
    @Override protected Tensor[] vjp(Tensor g) {
        return new Tensor[] {
            in[0].requiresGrad() ? mm(g, false, in[1], true) : null,
            in[1].requiresGrad() ? mm(in[0], true, g, false) : null};
    }

    @Override protected Tensor jvp(Tensor[] t) {
        Tensor ta = t[0] == null ? null : mm(t[0], false, in[1], false);
        Tensor tb = t[1] == null ? null : mm(in[0], false, t[1], false);
        return addTangents(ta, tb);
    }
}
