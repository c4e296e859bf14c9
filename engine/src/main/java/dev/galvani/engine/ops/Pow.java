package dev.galvani.engine.ops;

/** {@code x^p} for a constant exponent; derivative {@code p x^(p-1)}. */
public final class Pow extends Pointwise {
    private final float p;

    public Pow(float p) {
        this.p = p;
    }

    @Override public String name() { return "pow"; }
    @Override protected float f(float x) { return (float) Math.pow(x, p); }
    @Override protected float df(float x, float y) { return p == 0 ? 0f : (float) (p * Math.pow(x, p - 1)); }
}
