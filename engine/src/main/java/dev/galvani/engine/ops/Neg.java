package dev.galvani.engine.ops;

import dev.galvani.kernels.UnaryOp;

/** {@code -x}. */
public final class Neg extends Pointwise {
    @Override public String name() { return "neg"; }
    @Override protected UnaryOp op() { return UnaryOp.NEG; }
}
