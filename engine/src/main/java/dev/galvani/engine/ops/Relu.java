package dev.galvani.engine.ops;

/** {@code max(x, 0)}; derivative 1 for x &gt; 0, else 0 (PyTorch's convention at 0). */
public final class Relu extends Pointwise {
    @Override public String name() { return "relu"; }
    @Override protected float f(float x) { return x > 0 ? x : 0f; }
    @Override protected float df(float x, float y) { return x > 0 ? 1f : 0f; }
}
