package dev.galvani.models.nets;

import dev.galvani.engine.Rng;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.nn.Module;
import dev.galvani.models.layers.Activation;
import dev.galvani.models.layers.BatchNorm;
import dev.galvani.models.layers.Conv2d;

/**
 * Convolution (no bias), batch norm, then an activation (or none: MobileNetV2's linear
 * bottleneck). Children {@code conv}, {@code bn} as torchvision's {@code BasicConv2d}; the module's
 * own output is after the activation.
 */
public final class ConvBnAct extends Module {
    final Conv2d conv;
    final BatchNorm bn;
    final Activation act;

    public ConvBnAct(Rng rng, int in, int out, int kernel, int stride, int groups, float eps, Activation.Kind kind) {
        conv = add("conv", new Conv2d(rng, in, out, kernel, stride, kernel / 2, 1, groups, false));
        bn = add("bn", new BatchNorm(out, eps));
        act = kind == null ? null : add("act", new Activation(kind));
    }

    /** torchvision's BasicConv2d: conv, bn (eps 0.001), ReLU. */
    public static ConvBnAct basic(Rng rng, int in, int out, int kernel) {
        return new ConvBnAct(rng, in, out, kernel, 1, 1, 1e-3f, Activation.Kind.RELU);
    }

    @Override
    protected Tensor forward(Tensor x) {
        Tensor y = bn.call(conv.call(x));
        return act == null ? y : act.call(y);
    }
}
