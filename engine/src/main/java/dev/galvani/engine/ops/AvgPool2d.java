package dev.galvani.engine.ops;

import dev.galvani.engine.ShapeException;
import dev.galvani.engine.Tensor;
import dev.galvani.kernels.Im2col;
import dev.galvani.kernels.PoolGeometry;

/**
 * 2-d average pooling, [N, C, H, W] to [N, C, Ho, Wo], with PyTorch's default
 * {@code count_include_pad=True}: every window divides by k². Linear, so the JVP is the op itself.
 */
public final class AvgPool2d extends Op {
    private final int k, stride, pad;

    public AvgPool2d(int kernel, int stride, int padding) {
        this.k = kernel;
        this.stride = stride;
        this.pad = padding;
    }

    @Override public String name() { return "avg_pool2d"; }

    @Override protected Tensor forward(Tensor[] in) {
        Tensor x = in[0];
        if (x.dim() != 4) throw new ShapeException(name(), "input " + x.shapeString() + " is not [N, C, H, W]");
        return pool(x);
    }

    private PoolGeometry geometry(Tensor x) {
        return PoolGeometry.square(x.size(0), x.size(1), x.size(2), x.size(3), k, stride, pad);
    }

    private Tensor pool(Tensor x) {
        int ho = Im2col.outSize(x.size(2), k, stride, pad, 1), wo = Im2col.outSize(x.size(3), k, stride, pad, 1);
        if (ho <= 0 || wo <= 0) throw new ShapeException(name(), "kernel " + k + " does not fit " + x.shapeString());
        Tensor y = Storages.zeros(x, x.size(0), x.size(1), ho, wo);
        Storages.backend(x).avgPool2d(geometry(x), x.storage(), y.storage());
        return y;
    }

    @Override protected Tensor[] vjp(Tensor g) {
        Tensor dx = Storages.zeros(g, in[0].shape());
        Storages.backend(g).avgPool2dBackward(geometry(in[0]), g.storage(), dx.storage());
        return new Tensor[] {dx};
    }

    @Override protected Tensor jvp(Tensor[] t) {
        return pool(t[0]);
    }
}
