package dev.galvani.engine.ops;

import dev.galvani.kernels.UnaryOp;

/**
 * {@code min(max(x, lo), hi)} (ONNX {@code Clip}, {@code torch.clamp}); either bound may be
 * infinite. Derivative 1 where {@code lo <= x <= hi}, else 0 ({@code torch.clamp}'s convention).
 */
public final class Clip extends Pointwise {
    private final float lo, hi;

    public Clip(float lo, float hi) {
        this.lo = lo;
        this.hi = hi;
    }

    @Override public String name() { return "clip"; }
    @Override protected UnaryOp op() { return UnaryOp.CLIP; }
    @Override protected float p() { return lo; }
    @Override protected float q() { return hi; }
}
