package dev.galvani.engine.ops;

import dev.galvani.engine.Tensor;

/** {@code min(max(x, 0), 6)} (MobileNetV2). */
public final class Relu6 extends Pointwise {
    @Override public String name() { return "relu6"; }
    @Override protected float f(float x) { return x <= 0 ? 0f : (x >= 6 ? 6f : x); }
    @Override protected float df(float x, float y) { return x > 0 && x < 6 ? 1f : 0f; }

    @Override protected Tensor forward(Tensor[] in) { // written out: Pointwise's loop calls f through a shared call site
        float[] x = in[0].data(), y = new float[x.length];
        dev.galvani.kernels.Parallel.split(x.length, x.length, Relu.PARALLEL_WORK, (i0, i1) -> {
            for (int i = i0; i < i1; i++) y[i] = Math.min(Math.max(x[i], 0f), 6f);
        });
        return new Tensor(y, in[0].shape());
    }

    @Override protected Tensor derivativeTimes(Tensor v) { // 0 < x < 6, as Relu's mask
        return new Tensor(Relu.passWhereInside(in[0].data(), v.data(), Math.nextDown(6f)), in[0].shape());
    }
}
