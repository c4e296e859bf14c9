package dev.galvani.engine.ops;

import dev.galvani.kernels.UnaryOp;

/** Logistic sigmoid; derivative {@code y(1-y)}. */
public final class Sigmoid extends Pointwise {
    @Override public String name() { return "sigmoid"; }
    @Override protected UnaryOp op() { return UnaryOp.SIGMOID; }
}
