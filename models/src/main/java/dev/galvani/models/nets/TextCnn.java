package dev.galvani.models.nets;

import dev.galvani.engine.F;
import dev.galvani.engine.Rng;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.nn.HookPoint;
import dev.galvani.engine.nn.Module;
import dev.galvani.engine.nn.Sequential;
import dev.galvani.models.layers.Activation;
import dev.galvani.models.layers.Conv1d;
import dev.galvani.models.layers.Dropout;
import dev.galvani.models.layers.Embedding;
import dev.galvani.models.layers.Linear;
import dev.galvani.models.layers.Pool;

import java.util.ArrayList;
import java.util.List;

/**
 * Kim (2014)'s CNN for sentence classification, random-init variant: {@code embedding} [N, T, D],
 * parallel {@code conv3}, {@code conv4}, {@code conv5} (each {@code .conv}, {@code .relu},
 * {@code .pool}: 1-d convolution, ReLU, max over time, [N, filters]), {@code features}
 * (the concatenation, [N, 3 x filters]), {@code dropout} 0.5, {@code fc} to the classes.
 * Input: token ids [N, T] as floats, T at least the widest filter.
 */
public final class TextCnn extends Module {
    public static final int[] WIDTHS = {3, 4, 5};
    private final Embedding embedding;
    private final List<Module> branches = new ArrayList<>();
    private final Module features, dropout, fc;

    public TextCnn(long seed, int vocab, int dim, int filters, int classes) {
        Rng rng = new Rng(seed);
        embedding = add("embedding", new Embedding(rng, vocab, dim));
        for (int w : WIDTHS) {
            branches.add(add("conv" + w, new Sequential()
                    .then("conv", new Conv1d(rng, dim, filters, w))
                    .then("relu", Activation.relu())
                    .then("pool", Pool.maxOverTime())));
        }
        features = add("features", new HookPoint());
        dropout = add("dropout", new Dropout(0.5f, rng.split()));
        fc = add("fc", new Linear(rng, WIDTHS.length * filters, classes, true));
    }

    public Embedding embedding() {
        return embedding;
    }

    @Override
    protected Tensor forward(Tensor ids) {
        Tensor e = F.permute(embedding.call(ids), 0, 2, 1);   // [N, D, T]
        Tensor[] pooled = new Tensor[branches.size()];
        for (int i = 0; i < pooled.length; i++) pooled[i] = branches.get(i).call(e);
        return fc.call(dropout.call(features.call(F.concat(1, pooled))));
    }
}
