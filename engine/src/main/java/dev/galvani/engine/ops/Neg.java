package dev.galvani.engine.ops;

/** {@code -x}. */
public final class Neg extends Pointwise {
    @Override public String name() { return "neg"; }
    @Override protected float f(float x) { return -x; }
    @Override protected float df(float x, float y) { return -1f; }
}
