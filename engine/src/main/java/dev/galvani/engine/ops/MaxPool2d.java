package dev.galvani.engine.ops;

import dev.galvani.engine.ShapeException;
import dev.galvani.engine.Tensor;
import dev.galvani.kernels.Im2col;

/**
 * 2-d max pooling, [N, C, H, W] to [N, C, Ho, Wo]; padding counts as −∞ (PyTorch). The derivative
 * flows through the first maximal element of each window (saved indices).
 */
public final class MaxPool2d extends Op {
    private final int k, stride, pad;
    private int[] argmax;

    public MaxPool2d(int kernel, int stride, int padding) {
        this.k = kernel;
        this.stride = stride;
        this.pad = padding;
    }

    @Override public String name() { return "max_pool2d"; }

    @Override protected Tensor forward(Tensor[] in) {
        Tensor x = in[0];
        if (x.dim() != 4) throw new ShapeException(name(), "input " + x.shapeString() + " is not [N, C, H, W]");
        int nc = x.size(0) * x.size(1), h = x.size(2), w = x.size(3);
        int ho = Im2col.outSize(h, k, stride, pad, 1), wo = Im2col.outSize(w, k, stride, pad, 1);
        if (ho <= 0 || wo <= 0 || pad > k / 2) throw new ShapeException(name(), "kernel " + k + " padding " + pad + " do not fit " + x.shapeString());
        float[] d = x.data(), y = new float[nc * ho * wo];
        argmax = new int[y.length];
        for (int p = 0; p < nc; p++) {
            int base = p * h * w;
            for (int oh = 0; oh < ho; oh++) {
                // the window's rows and columns clipped to the image once, not per element
                int i0 = Math.max(0, oh * stride - pad), i1 = Math.min(h, oh * stride - pad + k);
                for (int ow = 0; ow < wo; ow++) {
                    int j0 = Math.max(0, ow * stride - pad), j1 = Math.min(w, ow * stride - pad + k);
                    int bi = base + i0 * w + j0;
                    float best = d[bi];
                    for (int ih = i0; ih < i1; ih++) {
                        int row = base + ih * w;
                        for (int iw = j0; iw < j1; iw++) {
                            float v = d[row + iw];
                            if (v > best) {
                                best = v;
                                bi = row + iw;
                            }
                        }
                    }
                    int o = (p * ho + oh) * wo + ow;
                    y[o] = best;
                    argmax[o] = bi;
                }
            }
        }
        return new Tensor(y, x.size(0), x.size(1), ho, wo);
    }

    @Override protected Tensor[] vjp(Tensor g) {
        float[] dx = new float[in[0].numel()], gd = g.data();
        for (int o = 0; o < argmax.length; o++) dx[argmax[o]] += gd[o];
        return new Tensor[] {new Tensor(dx, in[0].shape())};
    }

    @Override protected Tensor jvp(Tensor[] t) {
        float[] td = t[0].data(), y = new float[argmax.length];
        for (int o = 0; o < y.length; o++) y[o] = td[argmax[o]];
        return new Tensor(y, out.shape());
    }
}
