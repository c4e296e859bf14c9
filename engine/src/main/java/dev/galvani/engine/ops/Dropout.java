package dev.galvani.engine.ops;

import dev.galvani.engine.Rng;
import dev.galvani.engine.Tensor;
import dev.galvani.kernels.BinaryOp;

/** Inverted dropout: keeps each value with probability 1−p, scaled by 1/(1−p); the mask is seeded and saved. */
public final class Dropout extends Op {
    private final float p;
    private final Rng rng;
    private Tensor mask;

    public Dropout(float p, Rng rng) {
        this.p = p;
        this.rng = rng;
    }

    @Override public String name() { return "dropout"; }

    @Override protected Tensor forward(Tensor[] in) {
        float[] m = new float[in[0].numel()];
        float scale = 1f / (1f - p);
        for (int i = 0; i < m.length; i++) m[i] = rng.uniform() >= p ? scale : 0f;
        mask = new Tensor(m, in[0].shape()).to(in[0].device()); // drawn on the host: the same seed gives the same mask anywhere
        return masked(in[0]);
    }

    private Tensor masked(Tensor v) {
        return Broadcast.binary(name(), v, mask, BinaryOp.MUL);
    }

    @Override protected Tensor[] vjp(Tensor g) {
        return new Tensor[] {masked(g)};
    }

    @Override protected Tensor jvp(Tensor[] t) {
        return masked(t[0]);
    }
}
