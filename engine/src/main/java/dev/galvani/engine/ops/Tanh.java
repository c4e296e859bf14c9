package dev.galvani.engine.ops;

import dev.galvani.kernels.UnaryOp;

/** Hyperbolic tangent; derivative {@code 1 - y^2}. */
public final class Tanh extends Pointwise {
    @Override public String name() { return "tanh"; }
    @Override protected UnaryOp op() { return UnaryOp.TANH; }
}
