package dev.galvani.engine.ops;

import dev.galvani.engine.ShapeException;
import dev.galvani.engine.Tensor;
import dev.galvani.kernels.Backends;

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
        float[] y = new float[rows * fout];
        if (b != null) {
            float[] bd = b.data();
            for (int r = 0; r < rows; r++) System.arraycopy(bd, 0, y, r * fout, fout);
        }
        if (x != null && w != null) {
            Backends.current().sgemm(false, true, rows, fout, fin, 1f, x.data(), 0, fin, w.data(), 0, fin,
                    b == null ? 0f : 1f, y, 0, fout);
        }
        int[] s = in[0].shape();
        s[s.length - 1] = fout;
        return new Tensor(y, s);
    }

    @Override protected Tensor[] vjp(Tensor g) {
        Tensor x = in[0], w = in[1];
        Tensor[] out = new Tensor[in.length];
        if (x.requiresGrad()) {
            float[] dx = new float[rows * fin];
            Backends.current().sgemm(false, false, rows, fin, fout, 1f, g.data(), 0, fout, w.data(), 0, fin, 0f, dx, 0, fin);
            out[0] = new Tensor(dx, x.shape());
        }
        if (w.requiresGrad()) {
            float[] dw = new float[fout * fin];
            Backends.current().sgemm(true, false, fout, fin, rows, 1f, g.data(), 0, fout, x.data(), 0, fin, 0f, dw, 0, fin);
            out[1] = new Tensor(dw, w.shape());
        }
        if (in.length > 2 && in[2].requiresGrad()) {
            float[] db = new float[fout], gd = g.data();
            for (int r = 0; r < rows; r++) for (int j = 0; j < fout; j++) db[j] += gd[r * fout + j];
            out[2] = new Tensor(db, in[2].shape());
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
