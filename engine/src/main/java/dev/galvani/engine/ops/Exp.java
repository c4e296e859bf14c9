package dev.galvani.engine.ops;

import dev.galvani.kernels.UnaryOp;

/** {@code e^x}; derivative {@code e^x = y}. */
public final class Exp extends Pointwise {
    @Override public String name() { return "exp"; }
    @Override protected UnaryOp op() { return UnaryOp.EXP; }
}
