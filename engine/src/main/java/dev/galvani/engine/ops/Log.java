package dev.galvani.engine.ops;

/** Natural logarithm; derivative {@code 1/x}. */
public final class Log extends Pointwise {
    @Override public String name() { return "log"; }
    @Override protected float f(float x) { return (float) Math.log(x); }
    @Override protected float df(float x, float y) { return 1f / x; }
}
