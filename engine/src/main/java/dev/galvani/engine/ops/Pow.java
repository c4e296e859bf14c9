package dev.galvani.engine.ops;

import dev.galvani.kernels.UnaryOp;

/** {@code x^p} for a constant exponent; derivative {@code p x^(p-1)}. */
public final class Pow extends Pointwise {
    private final float p;

    public Pow(float p) {
        this.p = p;
    }

    @Override public String name() { return "pow"; }
    @Override protected UnaryOp op() { return UnaryOp.POW; }
    @Override protected float p() { return p; }
}
