package dev.galvani.engine.ops;

import dev.galvani.kernels.UnaryOp;

/**
 * {@code max(x, 0)}; derivative 1 for x &gt; 0, else 0 (PyTorch's convention at 0). The CPU kernel
 * masks the gradient's bits instead of branching (ReLU is the hottest elementwise op).
 */
public final class Relu extends Pointwise {
    @Override public String name() { return "relu"; }
    @Override protected UnaryOp op() { return UnaryOp.RELU; }
}
