package dev.galvani.engine.ops;

import dev.galvani.engine.ShapeException;
import dev.galvani.engine.Tensor;
import dev.galvani.kernels.Pooling;

/**
 * 2-d max pooling, [N, C, H, W] to [N, C, Ho, Wo]; padding counts as −∞ (PyTorch). The derivative
 * flows through the first maximal element of each window in row-major order (indices saved by
 * the kernel, {@link Pooling}; a NaN wins its window).
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
        int ho = Pooling.outSize(h, k, stride, pad), wo = Pooling.outSize(w, k, stride, pad);
        if (ho <= 0 || wo <= 0 || pad > k / 2) throw new ShapeException(name(), "kernel " + k + " padding " + pad + " do not fit " + x.shapeString());
        if (k > 255) throw new ShapeException(name(), "kernel " + k + " is larger than 255");
        float[] y = new float[nc * ho * wo];
        argmax = new int[y.length];
        Pooling.max(x.data(), nc, h, w, k, stride, pad, y, argmax);
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
