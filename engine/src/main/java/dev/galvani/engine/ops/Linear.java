package dev.galvani.engine.ops;

import dev.galvani.engine.ShapeException;
import dev.galvani.engine.Tensor;
import dev.galvani.kernels.Backend;

/**
 * {@code y = x W^T + b}: x [..., in], weight [out, in] (PyTorch layout), optional bias [out]; one
 * GEMM with B transposed.
 */
public final class Linear extends Op {
    private int rows, fin, fout;

    @Override public String name() { return "linear"; }

    @Override protected Tensor forward(Tensor[] in) {
        Tensor x = in[0], w = in[1];
        if (w.dim() != 2 || x.size(-1) != w.size(1)) {
            throw new ShapeException(name(), "input has " + x.size(-1) + " features, weight expects "
                    + (w.dim() == 2 ? w.size(1) : -1) + " (input " + x.shapeString() + ", weight " + w.shapeString() + ")");
        }
        fin = w.size(1);
        fout = w.size(0);
        rows = x.numel() / fin;
        if (in.length > 2 && in[2].numel() != fout) {
            throw new ShapeException(name(), "bias has " + in[2].numel() + " values, weight has " + fout + " outputs");
        }
        return affine(x, w, in.length > 2 ? in[2] : null);
    }

    private Tensor affine(Tensor x, Tensor w, Tensor b) {
        int[] s = in[0].shape();
        s[s.length - 1] = fout;
        Tensor y = Storages.zeros(in[0], s);
        Backend be = Storages.backend(in[0]);
        if (b != null) be.copyStrided(b.storage(), 0, 0, y.storage(), 0, fout, fout, rows); // each row starts as the bias
        if (x != null && w != null) {
            be.gemm(false, true, rows, fout, fin, 1f, x.storage(), 0, fin, w.storage(), 0, fin,
                    b == null ? 0f : 1f, y.storage(), 0, fout);
        }
        return y;
    }

    @Override protected Tensor[] vjp(Tensor g) {
        Tensor x = in[0], w = in[1];
        Tensor[] out = new Tensor[in.length];
        Backend be = Storages.backend(g);
        if (x.requiresGrad()) {
            out[0] = Storages.zeros(g, x.shape());
            be.gemm(false, false, rows, fin, fout, 1f, g.storage(), 0, fout, w.storage(), 0, fin, 0f, out[0].storage(), 0, fin);
        }
        if (w.requiresGrad()) {
            out[1] = Storages.zeros(g, w.shape());
            be.gemm(true, false, fout, fin, rows, 1f, g.storage(), 0, fout, x.storage(), 0, fin, 0f, out[1].storage(), 0, fin);
        }
        if (in.length > 2 && in[2].requiresGrad()) { // db = Σ_rows g
            out[2] = Storages.zeros(g, in[2].shape());
            be.sumTo(g.storage(), new int[] {rows, fout}, out[2].storage(), new int[] {1, fout});
        }
        return out;
    }

    // d(x W^T + b) = dx W^T + x dW^T + db
    @Override protected Tensor jvp(Tensor[] t) {
        Tensor y = null;
        if (t[0] != null) y = affine(t[0], in[1], null);
        if (t[1] != null) y = addTangents(y, affine(in[0], t[1], null));
        if (t.length > 2 && t[2] != null) y = addTangents(y, affine(null, null, t[2]));
        return y;
    }
}
