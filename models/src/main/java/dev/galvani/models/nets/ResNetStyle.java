package dev.galvani.models.nets;

import dev.galvani.engine.Rng;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.nn.Module;
import dev.galvani.engine.nn.Sequential;
import dev.galvani.models.layers.Activation;
import dev.galvani.models.layers.BatchNorm;
import dev.galvani.models.layers.Conv2d;
import dev.galvani.models.layers.Linear;
import dev.galvani.models.layers.Pool;

/**
 * A scaled-down ResNet with bottleneck blocks (torchvision naming: {@code layer1.0.conv1},
 * {@code .bn1}, ..., {@code .downsample.0/1}); each block's output (after the residual sum and
 * ReLU) is the node {@code layerK.J}.
 */
public final class ResNetStyle extends Module {
    private final Module conv1, bn1, relu, layer1, layer2, layer3, avgpool, fc;

    /** 1x1 reduce, 3x3 (strided), 1x1 expand, plus identity or a projected shortcut. */
    public static final class Bottleneck extends Module {
        private final Module conv1, bn1, conv2, bn2, conv3, bn3, relu1, relu2, relu3;
        private final Module downsample;

        Bottleneck(Rng rng, int in, int mid, int out, int stride) {
            conv1 = add("conv1", new Conv2d(rng, in, mid, 1, 1, 0, false));
            bn1 = add("bn1", new BatchNorm(mid));
            relu1 = add("relu1", Activation.relu());
            conv2 = add("conv2", new Conv2d(rng, mid, mid, 3, stride, 1, false));
            bn2 = add("bn2", new BatchNorm(mid));
            relu2 = add("relu2", Activation.relu());
            conv3 = add("conv3", new Conv2d(rng, mid, out, 1, 1, 0, false));
            bn3 = add("bn3", new BatchNorm(out));
            downsample = (stride != 1 || in != out)
                    ? add("downsample", new Sequential(new Conv2d(rng, in, out, 1, stride, 0, false), new BatchNorm(out))) : null;
            relu3 = add("relu3", Activation.relu());
        }

        @Override
        protected Tensor forward(Tensor x) {
            Tensor y = relu1.call(bn1.call(conv1.call(x)));
            y = relu2.call(bn2.call(conv2.call(y)));
            y = bn3.call(conv3.call(y));
            Tensor shortcut = downsample == null ? x : downsample.call(x);
            return relu3.call(y.add(shortcut));
        }
    }

    public ResNetStyle(long seed, int classes) {
        Rng rng = new Rng(seed);
        conv1 = add("conv1", new Conv2d(rng, 1, 32, 3, 1, 1, false));
        bn1 = add("bn1", new BatchNorm(32));
        relu = add("relu", Activation.relu());                                   // [N, 32, 28, 28]
        layer1 = add("layer1", stage(rng, 32, 16, 64, 1));                       // [N, 64, 28, 28]
        layer2 = add("layer2", stage(rng, 64, 32, 128, 2));                      // [N, 128, 14, 14]
        layer3 = add("layer3", stage(rng, 128, 64, 256, 2));                     // [N, 256, 7, 7]
        avgpool = add("avgpool", Pool.globalAvg());
        fc = add("fc", new Linear(rng, 256, classes, true));
    }

    private static Sequential stage(Rng rng, int in, int mid, int out, int stride) {
        return new Sequential(new Bottleneck(rng, in, mid, out, stride), new Bottleneck(rng, out, mid, out, 1));
    }

    @Override
    protected Tensor forward(Tensor x) {
        Tensor y = relu.call(bn1.call(conv1.call(x)));
        y = layer3.call(layer2.call(layer1.call(y)));
        return fc.call(avgpool.call(y));
    }
}
