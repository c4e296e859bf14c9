package dev.galvani.engine.ops;

import dev.galvani.kernels.UnaryOp;

/** Square root; derivative {@code 1/(2 sqrt x)}. */
public final class Sqrt extends Pointwise {
    @Override public String name() { return "sqrt"; }
    @Override protected UnaryOp op() { return UnaryOp.SQRT; }
}
