package dev.galvani.models.nets;

import dev.galvani.engine.Rng;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.nn.Module;
import dev.galvani.models.layers.Dropout;
import dev.galvani.models.layers.Linear;
import dev.galvani.models.layers.Pool;

/**
 * A GoogLeNet-style convnet for 28x28 grayscale images, named like torchvision's GoogLeNet:
 * {@code conv1, conv2, maxpool1, inception3a, inception3b, maxpool2, inception4a, avgpool,
 * dropout, fc}. {@code width} scales every channel count (1.0 is the default size).
 */
public final class InceptionNet extends Module {
    private final Module conv1, conv2, maxpool1, inception3a, inception3b, maxpool2, inception4a, avgpool, dropout, fc;

    public InceptionNet(long seed, int classes, double width) {
        Rng rng = new Rng(seed);
        int w = (int) Math.round(8 * width);  // channel unit
        conv1 = add("conv1", ConvBnAct.basic(rng, 1, 3 * w, 3));                  // [N, 24, 28, 28]
        maxpool1 = add("maxpool1", Pool.max(2, 2, 0));                             // [N, 24, 14, 14]
        conv2 = add("conv2", ConvBnAct.basic(rng, 3 * w, 6 * w, 3));              // [N, 48, 14, 14]
        InceptionBlock a = new InceptionBlock(rng, 6 * w, 4 * w, 4 * w, 6 * w, w, 2 * w, 2 * w);
        inception3a = add("inception3a", a);                                       // [N, 112, 14, 14]
        InceptionBlock b = new InceptionBlock(rng, a.outChannels, 6 * w, 6 * w, 8 * w, 2 * w, 3 * w, 3 * w);
        inception3b = add("inception3b", b);                                       // [N, 160, 14, 14]
        maxpool2 = add("maxpool2", Pool.max(2, 2, 0));                             // [N, 160, 7, 7]
        InceptionBlock c = new InceptionBlock(rng, b.outChannels, 8 * w, 8 * w, 12 * w, 2 * w, 4 * w, 4 * w);
        inception4a = add("inception4a", c);                                       // [N, 224, 7, 7]
        avgpool = add("avgpool", Pool.globalAvg());                                // [N, 224]
        dropout = add("dropout", new Dropout(0.2f, rng.split()));
        fc = add("fc", new Linear(rng, c.outChannels, classes, true));             // [N, classes]
    }

    @Override
    protected Tensor forward(Tensor x) {
        Tensor y = maxpool1.call(conv1.call(x));
        y = inception3b.call(inception3a.call(conv2.call(y)));
        y = inception4a.call(maxpool2.call(y));
        return fc.call(dropout.call(avgpool.call(y)));
    }
}
