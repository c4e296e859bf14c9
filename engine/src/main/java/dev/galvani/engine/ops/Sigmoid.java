package dev.galvani.engine.ops;

/** Logistic sigmoid; derivative {@code y(1-y)}. */
public final class Sigmoid extends Pointwise {
    @Override public String name() { return "sigmoid"; }
    @Override protected float f(float x) { return (float) (1 / (1 + Math.exp(-x))); }
    @Override protected float df(float x, float y) { return y * (1 - y); }
}
