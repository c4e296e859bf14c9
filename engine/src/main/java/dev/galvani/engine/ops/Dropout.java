package dev.galvani.engine.ops;

import dev.galvani.engine.Rng;
import dev.galvani.engine.Tensor;

/** Inverted dropout: keeps each value with probability 1−p, scaled by 1/(1−p); the mask is seeded and saved. */
public final class Dropout extends Op {
    private final float p;
    private final Rng rng;
    private float[] mask;

    public Dropout(float p, Rng rng) {
        this.p = p;
        this.rng = rng;
    }

    @Override public String name() { return "dropout"; }

    @Override protected Tensor forward(Tensor[] in) {
        float[] x = in[0].data(), y = new float[x.length];
        mask = new float[x.length];
        float scale = 1f / (1f - p);
        for (int i = 0; i < x.length; i++) {
            mask[i] = rng.uniform() >= p ? scale : 0f;
            y[i] = x[i] * mask[i];
        }
        return new Tensor(y, in[0].shape());
    }

    private Tensor masked(Tensor v) {
        float[] d = v.data(), o = new float[d.length];
        for (int i = 0; i < d.length; i++) o[i] = d[i] * mask[i];
        return new Tensor(o, v.shape());
    }

    @Override protected Tensor[] vjp(Tensor g) {
        return new Tensor[] {masked(g)};
    }

    @Override protected Tensor jvp(Tensor[] t) {
        return masked(t[0]);
    }
}
