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
        float[] x = in[0].data(), y = new float[x.length];
        int n = ax.n(), inner = ax.inner();
        for (int o = 0; o < ax.outer(); o++) {
            for (int i = 0; i < inner; i++) {
                int base = o * n * inner + i;
                float m = Float.NEGATIVE_INFINITY;
                for (int k = 0; k < n; k++) m = Math.max(m, x[base + k * inner]);
                double s = 0;
                for (int k = 0; k < n; k++) s += Math.exp(x[base + k * inner] - m);
                float lse = m + (float) Math.log(s);
                for (int k = 0; k < n; k++) y[base + k * inner] = x[base + k * inner] - lse;
            }
        }
        return new Tensor(y, in[0].shape());
    }

    /** {@code v − p Σ_axis v} (VJP) or {@code v − Σ_axis p v} (JVP). */
    private Tensor apply(Tensor v, boolean transpose) {
        Axes ax = Axes.of(out.shape(), axis);
        float[] y = out.data(), vd = v.data(), r = new float[y.length];
        int n = ax.n(), inner = ax.inner();
        for (int o = 0; o < ax.outer(); o++) {
            for (int i = 0; i < inner; i++) {
                int base = o * n * inner + i;
                double s = 0;
                for (int k = 0; k < n; k++) {
                    int j = base + k * inner;
                    s += transpose ? vd[j] : Math.exp(y[j]) * vd[j];
                }
                for (int k = 0; k < n; k++) {
                    int j = base + k * inner;
                    r[j] = (float) (vd[j] - (transpose ? Math.exp(y[j]) * s : s));
                }
            }
        }
        return new Tensor(r, out.shape());
    }

    @Override protected Tensor[] vjp(Tensor g) {
        return new Tensor[] {apply(g, true)};
    }

    @Override protected Tensor jvp(Tensor[] t) {
        return apply(t[0], false);
    }
}
