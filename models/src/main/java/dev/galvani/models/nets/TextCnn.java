package dev.galvani.models.nets;

import dev.galvani.engine.F;
import dev.galvani.engine.GalvaniException;
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
import dev.galvani.models.train.Constrained;

import java.util.ArrayList;
import java.util.List;

/**
 * Kim (2014)'s CNN for sentence classification, random-init variant: {@code embedding} [N, T, D],
 * parallel {@code conv3}, {@code conv4}, {@code conv5} (each {@code .conv}, {@code .relu},
 * {@code .pool}: 1-d convolution, ReLU, max over time, [N, filters]), {@code features}
 * (the concatenation, [N, 3 x filters]), {@code dropout} (0.5 in Kim's setting), {@code fc} to
 * the classes. Kim's max-norm constraint is optional: after every optimiser step each class's
 * row of {@code fc.weight} is rescaled to L2 norm {@code maxNorm} where it is longer (0: none).
 * Input: token ids [N, T] as floats, T at least the widest filter.
 */
public final class TextCnn extends Module implements Constrained {
    public static final int[] WIDTHS = {3, 4, 5};
    private final Embedding embedding;
    private final List<Module> branches = new ArrayList<>();
    private final Module features, dropout;
    private final Linear fc;
    private final float maxNorm;

    public TextCnn(long seed, int vocab, int dim, int filters, int classes) {
        this(seed, vocab, dim, filters, classes, 0.5f, 0f);
    }

    public TextCnn(long seed, int vocab, int dim, int filters, int classes, float dropoutRate, float maxNorm) {
        if (!(dropoutRate >= 0 && dropoutRate < 1)) throw new GalvaniException("text CNN dropout must be in [0, 1), got " + dropoutRate);
        if (!(maxNorm >= 0) || Float.isInfinite(maxNorm)) throw new GalvaniException("text CNN max-norm must be 0 (none) or positive, got " + maxNorm);
        this.maxNorm = maxNorm;
        Rng rng = new Rng(seed);
        embedding = add("embedding", new Embedding(rng, vocab, dim));
        for (int w : WIDTHS) {
            branches.add(add("conv" + w, new Sequential()
                    .then("conv", new Conv1d(rng, dim, filters, w))
                    .then("relu", Activation.relu())
                    .then("pool", Pool.maxOverTime())));
        }
        features = add("features", new HookPoint());
        dropout = add("dropout", new Dropout(dropoutRate, rng.split()));
        fc = add("fc", new Linear(rng, WIDTHS.length * filters, classes, true));
    }

    public Embedding embedding() {
        return embedding;
    }

    /** Kim (2014): rescale each row of the output weights to L2 norm {@code maxNorm} where it is longer. */
    @Override
    public void constrain() {
        if (maxNorm > 0) fc.maxNormRows(maxNorm);
    }

    @Override
    protected Tensor forward(Tensor ids) {
        Tensor e = F.permute(embedding.call(ids), 0, 2, 1);   // [N, D, T]
        Tensor[] pooled = new Tensor[branches.size()];
        for (int i = 0; i < pooled.length; i++) pooled[i] = branches.get(i).call(e);
        return fc.call(dropout.call(features.call(F.concat(1, pooled))));
    }
}
