package dev.galvani.engine.ops;

import dev.galvani.engine.ShapeException;
import dev.galvani.engine.Tensor;
import dev.galvani.kernels.Im2col;

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

    private Tensor pool(Tensor x) {
        int nc = x.size(0) * x.size(1), h = x.size(2), w = x.size(3);
        int ho = Im2col.outSize(h, k, stride, pad, 1), wo = Im2col.outSize(w, k, stride, pad, 1);
        if (ho <= 0 || wo <= 0) throw new ShapeException(name(), "kernel " + k + " does not fit " + x.shapeString());
        float[] d = x.data(), y = new float[nc * ho * wo];
        float inv = 1f / (k * k);
        for (int p = 0; p < nc; p++) {
            int base = p * h * w;
            for (int oh = 0; oh < ho; oh++) {
                for (int ow = 0; ow < wo; ow++) {
                    float s = 0;
                    for (int i = 0; i < k; i++) {
                        int ih = oh * stride - pad + i;
                        if (ih < 0 || ih >= h) continue;
                        for (int j = 0; j < k; j++) {
                            int iw = ow * stride - pad + j;
                            if (iw >= 0 && iw < w) s += d[base + ih * w + iw];
                        }
                    }
                    y[(p * ho + oh) * wo + ow] = s * inv;
                }
            }
        }
        return new Tensor(y, x.size(0), x.size(1), ho, wo);
    }

    @Override protected Tensor[] vjp(Tensor g) {
        Tensor x = in[0];
        int nc = x.size(0) * x.size(1), h = x.size(2), w = x.size(3), ho = g.size(2), wo = g.size(3);
        float[] dx = new float[x.numel()], gd = g.data();
        float inv = 1f / (k * k);
        for (int p = 0; p < nc; p++) {
            int base = p * h * w;
            for (int oh = 0; oh < ho; oh++) {
                for (int ow = 0; ow < wo; ow++) {
                    float v = gd[(p * ho + oh) * wo + ow] * inv;
                    for (int i = 0; i < k; i++) {
                        int ih = oh * stride - pad + i;
                        if (ih < 0 || ih >= h) continue;
                        for (int j = 0; j < k; j++) {
                            int iw = ow * stride - pad + j;
                            if (iw >= 0 && iw < w) dx[base + ih * w + iw] += v;
                        }
                    }
                }
            }
        }
        return new Tensor[] {new Tensor(dx, x.shape())};
    }

    @Override protected Tensor jvp(Tensor[] t) {
        return pool(t[0]);
    }
}
