package dev.galvani.engine.ops;

import dev.galvani.kernels.UnaryOp;

/** Natural logarithm; derivative {@code 1/x}. */
public final class Log extends Pointwise {
    @Override public String name() { return "log"; }
    @Override protected UnaryOp op() { return UnaryOp.LOG; }
}
