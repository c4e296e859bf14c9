package dev.galvani.engine.ops;

/** Hyperbolic tangent; derivative {@code 1 - y^2}. */
public final class Tanh extends Pointwise {
    @Override public String name() { return "tanh"; }
    @Override protected float f(float x) { return (float) Math.tanh(x); }
    @Override protected float df(float x, float y) { return 1 - y * y; }
}
