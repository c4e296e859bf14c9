package dev.galvani.models.layers;

import dev.galvani.engine.F;
import dev.galvani.engine.Rng;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.nn.Module;

/** {@code y = x W^T + b}; PyTorch layout: weight [out, in], bias [out]. */
public final class Linear extends Module {
    public final int in, out;
    final Tensor weight, bias;

    public Linear(Rng rng, int in, int out, boolean bias) {
        this.in = in;
        this.out = out;
        this.weight = param("weight", Init.uniformFanIn(rng, in, out, in));
        this.bias = bias ? param("bias", Init.uniformFanIn(rng, in, out)) : null;
    }

    @Override
    protected Tensor forward(Tensor x) {
        return F.linear(x, weight, bias);
    }
}
