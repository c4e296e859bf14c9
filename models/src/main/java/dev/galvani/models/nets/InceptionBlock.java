package dev.galvani.models.nets;

import dev.galvani.engine.Rng;
import dev.galvani.engine.nn.Sequential;
import dev.galvani.models.layers.Concat;
import dev.galvani.models.layers.Pool;

/**
 * GoogLeNet's Inception module (torchvision naming): {@code branch1} 1x1; {@code branch2} 1x1 then
 * 3x3; {@code branch3} 1x1 then two 3x3 (a factorised 5x5); {@code branch4} 3x3 max pool then 1x1
 * projection; outputs concatenated along channels. The block's own output (the concatenation) is
 * the layer that every path crosses, so conductance is conserved there (docs/methods.md §1.8).
 */
public final class InceptionBlock extends Concat {
    public final int outChannels;

    public InceptionBlock(Rng rng, int in, int c1, int c3reduce, int c3, int c5reduce, int c5, int pool) {
        add("branch1", ConvBnAct.basic(rng, in, c1, 1));
        add("branch2", new Sequential(ConvBnAct.basic(rng, in, c3reduce, 1), ConvBnAct.basic(rng, c3reduce, c3, 3)));
        add("branch3", new Sequential(ConvBnAct.basic(rng, in, c5reduce, 1), ConvBnAct.basic(rng, c5reduce, c5, 3),
                ConvBnAct.basic(rng, c5, c5, 3)));
        add("branch4", new Sequential(Pool.max(3, 1, 1), ConvBnAct.basic(rng, in, pool, 1)));
        outChannels = c1 + c3 + c5 + pool;
    }
}
