package dev.galvani.engine.ops;

import dev.galvani.engine.Tensor;

/**
 * {@code log softmax} along an axis, stabilised by the max: {@code y = x − max − log Σ exp(x − max)}.
 * VJP {@code g − p Σ g}; JVP {@code t − Σ p t}, with {@code p = exp(y)}.
 */
public final class LogSoftmax extends Op {
    private final int axis;

    public LogSoftmax(int axis) {
        this.axis = axis;
    }

    @Override public String name() { return "log_softmax"; }

    @Override protected Tensor forward(Tensor[] in) {
        Axes ax = Axes.of(in[0].shape(), axis);
        Tensor y = Storages.zeros(in[0], in[0].shape());
        Storages.backend(in[0]).logSoftmax(in[0].storage(), ax.outer(), ax.n(), ax.inner(), y.storage());
        return y;
    }

    /** {@code v − p Σ_axis v} (VJP) or {@code v − Σ_axis p v} (JVP). */
    private Tensor apply(Tensor v, boolean transpose) {
        Axes ax = Axes.of(out.shape(), axis);
        Tensor r = Storages.zeros(v, out.shape());
        Storages.backend(v).logSoftmaxDerivative(out.storage(), v.storage(), ax.outer(), ax.n(), ax.inner(), transpose, r.storage());
        return r;
    }

    @Override protected Tensor[] vjp(Tensor g) {
        return new Tensor[] {apply(g, true)};
    }

    @Override protected Tensor jvp(Tensor[] t) {
        return apply(t[0], false);
    }
}
