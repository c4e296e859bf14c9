package dev.galvani.engine.ops;

import dev.galvani.kernels.UnaryOp;

/** {@code min(max(x, 0), 6)} (MobileNetV2); derivative 1 for 0 &lt; x &lt; 6. */
public final class Relu6 extends Pointwise {
    @Override public String name() { return "relu6"; }
    @Override protected UnaryOp op() { return UnaryOp.RELU6; }
}
