package dev.galvani.engine.ops;

/** {@code e^x}; derivative {@code e^x = y}. */
public final class Exp extends Pointwise {
    @Override public String name() { return "exp"; }
    @Override protected float f(float x) { return (float) Math.exp(x); }
    @Override protected float df(float x, float y) { return y; }
}
