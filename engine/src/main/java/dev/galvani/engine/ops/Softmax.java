package dev.galvani.engine.ops;

import dev.galvani.engine.Tensor;

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
        float[] d = ls.data();
        for (int i = 0; i < d.length; i++) d[i] = (float) Math.exp(d[i]);
        return ls;
    }

    private Tensor jacobianTimes(Tensor v) {
        Axes ax = Axes.of(out.shape(), axis);
        float[] p = out.data(), vd = v.data(), r = new float[p.length];
        int n = ax.n(), inner = ax.inner();
        for (int o = 0; o < ax.outer(); o++) {
            for (int i = 0; i < inner; i++) {
                int base = o * n * inner + i;
                double s = 0;
                for (int k = 0; k < n; k++) s += (double) p[base + k * inner] * vd[base + k * inner];
                for (int k = 0; k < n; k++) {
                    int j = base + k * inner;
                    r[j] = (float) (p[j] * (vd[j] - s));
                }
            }
        }
        return new Tensor(r, out.shape());
    }

    @Override protected Tensor[] vjp(Tensor g) {
        return new Tensor[] {jacobianTimes(g)};
    }

    @Override protected Tensor jvp(Tensor[] t) {
        return jacobianTimes(t[0]);
    }
}
