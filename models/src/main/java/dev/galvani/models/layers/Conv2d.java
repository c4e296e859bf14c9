package dev.galvani.models.layers;

import dev.galvani.engine.F;
import dev.galvani.engine.Rng;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.nn.Module;

/** 2-d convolution; PyTorch layout: weight [out, in/groups, k, k], bias [out]. */
public final class Conv2d extends Module {
    public final int in, out, kernel, stride, padding, dilation, groups;
    final Tensor weight, bias;

    public Conv2d(Rng rng, int in, int out, int kernel, int stride, int padding, int dilation, int groups, boolean bias) {
        this.in = in;
        this.out = out;
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        this.dilation = dilation;
        this.groups = groups;
        int fanIn = in / groups * kernel * kernel;
        this.weight = param("weight", Init.kaimingNormal(rng, fanIn, out, in / groups, kernel, kernel));
        this.bias = bias ? param("bias", Init.uniformFanIn(rng, fanIn, out)) : null;
    }

    public Conv2d(Rng rng, int in, int out, int kernel, int stride, int padding, boolean bias) {
        this(rng, in, out, kernel, stride, padding, 1, 1, bias);
    }

    @Override
    protected Tensor forward(Tensor x) {
        return F.conv2d(x, weight, bias, stride, padding, dilation, groups);
    }
}
