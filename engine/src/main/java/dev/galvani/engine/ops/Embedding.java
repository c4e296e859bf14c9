package dev.galvani.engine.ops;

import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Tensor;

/** Row lookup: weight [V, D] and token ids (shape [N, T]) give [N, T, D]; the VJP scatter-adds. */
public final class Embedding extends Op {
    private final int[] ids;
    private final int[] idShape;

    public Embedding(int[] ids, int... idShape) {
        this.ids = ids;
        this.idShape = idShape;
    }

    @Override public String name() { return "embedding"; }

    @Override protected Tensor forward(Tensor[] in) {
        int v = in[0].size(0);
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= v) throw new GalvaniException("embedding: token id " + ids[i] + " at position " + i + " is outside the vocabulary of " + v);
        }
        return gather(in[0]);
    }

    private Tensor gather(Tensor w) {
        int d = w.size(1);
        float[] wd = w.data(), o = new float[ids.length * d];
        for (int i = 0; i < ids.length; i++) System.arraycopy(wd, ids[i] * d, o, i * d, d);
        int[] s = java.util.Arrays.copyOf(idShape, idShape.length + 1);
        s[idShape.length] = d;
        return new Tensor(o, s);
    }

    @Override protected Tensor[] vjp(Tensor g) {
        int d = in[0].size(1);
        float[] dw = new float[in[0].numel()], gd = g.data();
        for (int i = 0; i < ids.length; i++) {
            int r = ids[i] * d;
            for (int k = 0; k < d; k++) dw[r + k] += gd[i * d + k];
        }
        return new Tensor[] {new Tensor(dw, in[0].shape())};
    }

    @Override protected Tensor jvp(Tensor[] t) {
        return gather(t[0]);
    }
}
