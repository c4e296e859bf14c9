package dev.galvani.engine.ops;

import dev.galvani.engine.Tensor;

/**
 * {@code max(x, 0)}; derivative 1 for x &gt; 0, else 0 (PyTorch's convention at 0). The loops are
 * written out (not through {@code f}/{@code df}) because ReLU is the hottest elementwise op.
 */
public final class Relu extends Pointwise {
    @Override public String name() { return "relu"; }
    @Override protected float f(float x) { return x > 0 ? x : 0f; }
    @Override protected float df(float x, float y) { return x > 0 ? 1f : 0f; }

    @Override protected Tensor forward(Tensor[] in) {
        float[] x = in[0].data(), y = new float[x.length];
        for (int i = 0; i < x.length; i++) y[i] = Math.max(x[i], 0f);
        return new Tensor(y, in[0].shape());
    }

    @Override protected Tensor derivativeTimes(Tensor v) {
        float[] x = in[0].data(), d = v.data(), r = new float[x.length];
        for (int i = 0; i < x.length; i++) r[i] = x[i] > 0 ? d[i] : 0f;
        return new Tensor(r, in[0].shape());
    }
}
