package dev.galvani.models.layers;

import dev.galvani.engine.F;
import dev.galvani.engine.Rng;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.nn.Module;

/**
 * Token embedding: input [N, T] of token ids (held as floats), output [N, T, D]. Row 0 is the
 * padding token and is kept at zero (the text baseline of docs/methods.md §0 is the padding embedding).
 */
public final class Embedding extends Module {
    public final int vocab, dim;
    final Tensor weight;

    public Embedding(Rng rng, int vocab, int dim) {
        this.vocab = vocab;
        this.dim = dim;
        // Kim (2014), random init: U(-0.25, 0.25).
        this.weight = param("weight", Tensor.uniform(rng, -0.25f, 0.25f, vocab, dim));
        zeroPadding();
    }

    /** Re-zeroes the padding row (after an optimiser step). */
    public void zeroPadding() {
        if (weight.isHost()) {
            java.util.Arrays.fill(weight.data(), 0, dim, 0f);
            return;
        }
        dev.galvani.kernels.Backend be = weight.device().backend();
        be.copy(be.allocate(dim), 0, weight.storage(), 0, dim);
    }

    @Override
    protected Tensor forward(Tensor ids) {
        int n = ids.size(0), t = ids.size(1);
        int[] idx = new int[n * t];
        float[] d = ids.toHost().data(); // the ids index on the host
        for (int i = 0; i < idx.length; i++) idx[i] = (int) d[i];
        return F.embedding(weight, idx, n, t);
    }
}
