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
                for (int ow = 0; ow < wo; ow++) {
                    float best = Float.NEGATIVE_INFINITY;
                    int bi = -1;
                    for (int i = 0; i < k; i++) {
                        int ih = oh * stride - pad + i;
                        if (ih < 0 || ih >= h) continue;
                        for (int j = 0; j < k; j++) {
                            int iw = ow * stride - pad + j;
                            if (iw < 0 || iw >= w) continue;
                            float v = d[base + ih * w + iw];
                            if (bi < 0 || v > best) {
                                best = v;
                                bi = base + ih * w + iw;
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
