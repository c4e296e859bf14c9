package dev.galvani.engine.ops;

import dev.galvani.engine.ShapeException;
import dev.galvani.engine.Tensor;

/** [B, m, k] x [B, k, n] = [B, m, n], or [B, m, k] x [k, n] (the right side shared by the batch). */
public final class BatchedMatMul extends Op {
    @Override public String name() { return "bmm"; }

    @Override protected Tensor forward(Tensor[] in) {
        Tensor a = in[0], b = in[1];
        boolean shared = b.dim() == 2;
        if (a.dim() != 3 || !(shared || b.dim() == 3) || a.size(2) != b.size(shared ? 0 : 1) || (!shared && a.size(0) != b.size(0))) {
            throw new ShapeException(name(), "cannot multiply " + a.shapeString() + " by " + b.shapeString());
        }
        return mm(a, false, b, false, a.size(0));
    }

    /** Per batch {@code op(a_i) op(b_i)}; a 2-d operand is shared across the batch. */
    static Tensor mm(Tensor a, boolean ta, Tensor b, boolean tb, int batch) {
        int ar = a.size(-2), ac = a.size(-1), br = b.size(-2), bc = b.size(-1);
        int m = ta ? ac : ar, k = ta ? ar : ac, n = tb ? br : bc;
        boolean aShared = a.dim() == 2, bShared = b.dim() == 2;
        Tensor c = Storages.zeros(a, batch, m, n);
        for (int i = 0; i < batch; i++) {
            Storages.backend(a).gemm(ta, tb, m, n, k, 1f, a.storage(), aShared ? 0 : i * ar * ac, ac,
                    b.storage(), bShared ? 0 : i * br * bc, bc, 0f, c.storage(), i * m * n, n);
        }
        return c;
    }

    @Override protected Tensor[] vjp(Tensor g) {
        Tensor a = in[0], b = in[1];
        int batch = a.size(0);
        Tensor ga = a.requiresGrad() ? mm(g, false, b, true, batch) : null;
        Tensor gb = null;
        if (b.requiresGrad()) {
            gb = mm(a, true, g, false, batch);
            if (b.dim() == 2) gb = gb.sum(false, 0);
        }
        return new Tensor[] {ga, gb};
    }

    @Override protected Tensor jvp(Tensor[] t) {
        int batch = in[0].size(0);
        Tensor ta = t[0] == null ? null : mm(t[0], false, in[1], false, batch);
        Tensor tb = t[1] == null ? null : mm(in[0], false, t[1], false, batch);
        return addTangents(ta, tb);
    }
}
