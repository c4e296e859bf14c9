package dev.galvani.models.layers;

import dev.galvani.engine.F;
import dev.galvani.engine.Rng;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.nn.Module;

/** 1-d convolution over time: input [N, C, L]; weight [out, in, k], bias [out]. */
public final class Conv1d extends Module {
    public final int in, out, kernel;
    final Tensor weight, bias;

    public Conv1d(Rng rng, int in, int out, int kernel) {
        this.in = in;
        this.out = out;
        this.kernel = kernel;
        this.weight = param("weight", Init.uniformFanIn(rng, in * kernel, out, in, kernel));
        this.bias = param("bias", Init.uniformFanIn(rng, in * kernel, out));
    }

    @Override
    protected Tensor forward(Tensor x) {
        return F.conv1d(x, weight, bias);
    }
}
