package dev.galvani.engine.ops;

import dev.galvani.engine.Tensor;

/** A view with another shape over the same data (row-major order is unchanged). */
public final class Reshape extends Op {
    private final int[] shape;

    public Reshape(int[] shape) {
        this.shape = shape;
    }

    @Override public String name() { return "reshape"; }

    @Override protected Tensor forward(Tensor[] in) {
        return new Tensor(in[0].storage(), shape);
    }

    @Override protected Tensor[] vjp(Tensor g) {
        return new Tensor[] {new Tensor(g.storage(), in[0].shape())};
    }

    @Override protected Tensor jvp(Tensor[] t) {
        return new Tensor(t[0].storage(), shape);
    }
}
