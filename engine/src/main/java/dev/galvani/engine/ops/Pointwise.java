package dev.galvani.engine.ops;

import dev.galvani.engine.Tensor;

/**
 * A unary elementwise op defined by its value {@code f(x)} and its derivative {@code f'(x)} (which
 * may use the output {@code y = f(x)}): the VJP is {@code g * f'} and the JVP {@code t * f'}.
 */
public abstract class Pointwise extends Op {

    protected abstract float f(float x);

    /** {@code f'(x)}, given {@code x} and {@code y = f(x)}. */
    protected abstract float df(float x, float y);

    @Override protected Tensor forward(Tensor[] in) {
        float[] x = in[0].data(), y = new float[x.length];
        for (int i = 0; i < x.length; i++) y[i] = f(x[i]);
        return new Tensor(y, in[0].shape());
    }

    /** {@code v ⊙ f'(x)}; subclasses may override with a direct loop (the hot ones do). */
    protected Tensor derivativeTimes(Tensor v) {
        float[] x = in[0].data(), y = out.data(), d = v.data(), r = new float[x.length];
        for (int i = 0; i < x.length; i++) r[i] = d[i] * df(x[i], y[i]);
        return new Tensor(r, in[0].shape());
    }

    @Override protected final Tensor[] vjp(Tensor g) {
        return new Tensor[] {derivativeTimes(g)};
    }

    @Override protected final Tensor jvp(Tensor[] t) {
        return derivativeTimes(t[0]);
    }
}
