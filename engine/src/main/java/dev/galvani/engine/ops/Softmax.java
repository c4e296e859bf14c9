package dev.galvani.engine.ops;

import dev.galvani.engine.Tensor;
import dev.galvani.kernels.UnaryOp;

/**
 * Softmax along an axis: {@code p = exp(x − max) / Σ exp(x − max)}. VJP {@code p (g − Σ g p)};
 * JVP {@code p (t − Σ p t)} (the Jacobian is symmetric).
 */
public final class Softmax extends Op {
    private final int axis;

    public Softmax(int axis) {
        this.axis = axis;
    }

    @Override public String name() { return "softmax"; }

    @Override protected Tensor forward(Tensor[] in) {
        Tensor ls = new LogSoftmax(axis).forward(in);
        Storages.backend(ls).unary(UnaryOp.EXP, 0f, 0f, ls.storage(), ls.storage()); // in place
        return ls;
    }

    private Tensor jacobianTimes(Tensor v) {
        Axes ax = Axes.of(out.shape(), axis);
        Tensor r = Storages.zeros(v, out.shape());
        Storages.backend(v).softmaxJacobian(out.storage(), v.storage(), ax.outer(), ax.n(), ax.inner(), r.storage());
        return r;
    }

    @Override protected Tensor[] vjp(Tensor g) {
        return new Tensor[] {jacobianTimes(g)};
    }

    @Override protected Tensor jvp(Tensor[] t) {
        return jacobianTimes(t[0]);
    }
}
