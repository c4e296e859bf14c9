package dev.galvani.engine.ops;

import dev.galvani.engine.ShapeException;
import dev.galvani.engine.Tensor;
import dev.galvani.kernels.Indices;
import dev.galvani.kernels.Pooling;
import dev.galvani.kernels.PoolGeometry;

/**
 * 2-d max pooling, [N, C, H, W] to [N, C, Ho, Wo]; padding counts as −∞ (PyTorch). The derivative
 * flows through the first maximal element of each window in row-major order (positions saved by
 * the backend's kernel, on the CPU {@link Pooling}; a NaN wins its window).
 */
public final class MaxPool2d extends Op {
    private final int k, stride, pad;
    private PoolGeometry geo;
    private Indices argmax;

    public MaxPool2d(int kernel, int stride, int padding) {
        this.k = kernel;
        this.stride = stride;
        this.pad = padding;
    }

    @Override public String name() { return "max_pool2d"; }

    @Override protected Tensor forward(Tensor[] in) {
        Tensor x = in[0];
        if (x.dim() != 4) throw new ShapeException(name(), "input " + x.shapeString() + " is not [N, C, H, W]");
        int h = x.size(2), w = x.size(3);
        int ho = Pooling.outSize(h, k, stride, pad), wo = Pooling.outSize(w, k, stride, pad);
        if (ho <= 0 || wo <= 0 || pad > k / 2) throw new ShapeException(name(), "kernel " + k + " padding " + pad + " do not fit " + x.shapeString());
        if (k > 255) throw new ShapeException(name(), "kernel " + k + " is larger than 255");
        geo = PoolGeometry.square(x.size(0), x.size(1), h, w, k, stride, pad);
        Tensor y = Storages.zeros(x, x.size(0), x.size(1), ho, wo);
        argmax = Storages.backend(x).maxPool2d(geo, x.storage(), y.storage());
        return y;
    }

    @Override protected Tensor[] vjp(Tensor g) {
        Tensor dx = Storages.zeros(g, in[0].shape());
        Storages.backend(g).maxPool2dBackward(geo, g.storage(), argmax, dx.storage());
        return new Tensor[] {dx};
    }

    @Override protected Tensor jvp(Tensor[] t) {
        Tensor y = Storages.zeros(t[0], out.shape());
        Storages.backend(t[0]).gather(t[0].storage(), argmax, 1, 0f, y.storage());
        return y;
    }
}
