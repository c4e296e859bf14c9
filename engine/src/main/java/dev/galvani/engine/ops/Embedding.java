package dev.galvani.engine.ops;

import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Tensor;

/** Row lookup: weight [V, D] and token ids (shape [N, T]) give [N, T, D]; the VJP scatter-adds. */
public final class Embedding extends Op {
    private final int[] ids;
    private final int[] idShape;
    private dev.galvani.kernels.Indices onDevice; // the ids on the table's device

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
        int[] s = java.util.Arrays.copyOf(idShape, idShape.length + 1);
        s[idShape.length] = d;
        if (onDevice == null) onDevice = Storages.indices(w, ids);
        Tensor o = Storages.zeros(w, s);
        Storages.backend(w).gather(w.storage(), onDevice, d, 0f, o.storage());
        return o;
    }

    @Override protected Tensor[] vjp(Tensor g) {
        Tensor dw = Storages.zeros(g, in[0].shape());
        Storages.backend(g).scatterAdd(g.storage(), onDevice, in[0].size(1), dw.storage());
        return new Tensor[] {dw};
    }

    @Override protected Tensor jvp(Tensor[] t) {
        return gather(t[0]);
    }
}
