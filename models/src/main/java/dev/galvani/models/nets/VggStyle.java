package dev.galvani.models.nets;

import dev.galvani.engine.Rng;
import dev.galvani.engine.nn.Sequential;
import dev.galvani.models.layers.Activation;
import dev.galvani.models.layers.Conv2d;
import dev.galvani.models.layers.Dropout;
import dev.galvani.models.layers.Linear;
import dev.galvani.models.layers.Pool;

/**
 * A scaled-down VGG for 28x28: three stages of two 3x3 convolutions and a max pool, then two
 * dense layers. Unit layers: {@code relu1_1 .. relu3_2} (channels), {@code relu_fc1} (neurons).
 */
public final class VggStyle extends Sequential {
    public VggStyle(long seed, int classes) {
        Rng rng = new Rng(seed);
        int in = 1;
        int[] widths = {16, 32, 64};
        for (int s = 0; s < widths.length; s++) {
            int c = widths[s], st = s + 1;
            then("conv" + st + "_1", new Conv2d(rng, in, c, 3, 1, 1, true)).then("relu" + st + "_1", Activation.relu());
            then("conv" + st + "_2", new Conv2d(rng, c, c, 3, 1, 1, true)).then("relu" + st + "_2", Activation.relu());
            then("pool" + st, Pool.max(2, 2, 0));
            in = c;
        }
        // 28 -> 14 -> 7 -> 3
        then("flatten", new Flatten());
        then("fc1", new Linear(rng, 64 * 9, 256, true)).then("relu_fc1", Activation.relu()).then("dropout", new Dropout(0.5f, rng.split()));
        then("fc2", new Linear(rng, 256, classes, true));
    }
}
