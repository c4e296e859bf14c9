package dev.galvani.models.nets;

import dev.galvani.engine.Rng;
import dev.galvani.engine.nn.Sequential;
import dev.galvani.models.layers.Activation;
import dev.galvani.models.layers.Conv2d;
import dev.galvani.models.layers.Dropout;
import dev.galvani.models.layers.Linear;
import dev.galvani.models.layers.Pool;

/**
 * A scaled-down AlexNet for 28x28: a plain conv stack with large early kernels (5x5), max pools,
 * and three dense layers with dropout. Unit layers for selectivity: {@code relu1..relu5} (conv
 * channels) and {@code relu6, relu7} (dense neurons).
 */
public final class AlexNetStyle extends Sequential {
    public AlexNetStyle(long seed, int classes) {
        Rng rng = new Rng(seed);
        then("conv1", new Conv2d(rng, 1, 32, 5, 1, 2, true)).then("relu1", Activation.relu()).then("pool1", Pool.max(2, 2, 0)); // 14
        then("conv2", new Conv2d(rng, 32, 64, 5, 1, 2, true)).then("relu2", Activation.relu()).then("pool2", Pool.max(2, 2, 0)); // 7
        then("conv3", new Conv2d(rng, 64, 96, 3, 1, 1, true)).then("relu3", Activation.relu());
        then("conv4", new Conv2d(rng, 96, 96, 3, 1, 1, true)).then("relu4", Activation.relu());
        then("conv5", new Conv2d(rng, 96, 64, 3, 1, 1, true)).then("relu5", Activation.relu()).then("pool5", Pool.max(2, 2, 0)); // 3
        then("flatten", new Flatten());
        then("dropout6", new Dropout(0.5f, rng.split())).then("fc6", new Linear(rng, 64 * 9, 256, true)).then("relu6", Activation.relu());
        then("dropout7", new Dropout(0.5f, rng.split())).then("fc7", new Linear(rng, 256, 256, true)).then("relu7", Activation.relu());
        then("fc8", new Linear(rng, 256, classes, true));
    }
}
