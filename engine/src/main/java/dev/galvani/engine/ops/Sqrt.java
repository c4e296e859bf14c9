package dev.galvani.engine.ops;

/** Square root; derivative {@code 1/(2 sqrt x)}. */
public final class Sqrt extends Pointwise {
    @Override public String name() { return "sqrt"; }
    @Override protected float f(float x) { return (float) Math.sqrt(x); }
    @Override protected float df(float x, float y) { return 0.5f / y; }
}
