package dev.galvani.engine.ops;

import dev.galvani.engine.ShapeException;
import dev.galvani.engine.Tensor;
import dev.galvani.kernels.Im2col;

/**
 * 2-d max pooling, [N, C, H, W] to [N, C, Ho, Wo]; padding counts as −∞ (PyTorch). The derivative
 * flows through the first maximal element of each window in row-major order.
 *
 * <p>The forward pass takes each window's maximum without branches (a compare-and-branch per
 * element mispredicts on most windows); which element won is found only when a derivative is
 * asked for, by one scan for the first element equal to the maximum, and kept for VJP and JVP.
 */
public final class MaxPool2d extends Op {
    private final int k, stride, pad;
    private int h, w, ho, wo;
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
        int nc = x.size(0) * x.size(1);
        h = x.size(2);
        w = x.size(3);
        ho = Im2col.outSize(h, k, stride, pad, 1);
        wo = Im2col.outSize(w, k, stride, pad, 1);
        if (ho <= 0 || wo <= 0 || pad > k / 2) throw new ShapeException(name(), "kernel " + k + " padding " + pad + " do not fit " + x.shapeString());
        float[] d = x.data(), y = new float[nc * ho * wo];
        for (int p = 0; p < nc; p++) {
            int base = p * h * w;
            for (int oh = 0; oh < ho; oh++) {
                // the window's rows and columns clipped to the image once, not per element
                int i0 = Math.max(0, oh * stride - pad), i1 = Math.min(h, oh * stride - pad + k);
                for (int ow = 0; ow < wo; ow++) {
                    int j0 = Math.max(0, ow * stride - pad), j1 = Math.min(w, ow * stride - pad + k);
                    float best = Float.NEGATIVE_INFINITY;
                    for (int ih = i0; ih < i1; ih++) {
                        int row = base + ih * w;
                        for (int iw = j0; iw < j1; iw++) best = Math.max(best, d[row + iw]);
                    }
                    y[(p * ho + oh) * wo + ow] = best;
                }
            }
        }
        return new Tensor(y, x.size(0), x.size(1), ho, wo);
    }

    /** Flat input index of each output's first maximal element (computed once, on first use). */
    private int[] argmax() {
        if (argmax != null) return argmax;
        float[] d = in[0].data(), y = out.data();
        int[] am = new int[y.length];
        for (int o = 0; o < y.length; o++) {
            int p = o / (ho * wo), oh = o / wo % ho, ow = o % wo, base = p * h * w;
            int i0 = Math.max(0, oh * stride - pad), i1 = Math.min(h, oh * stride - pad + k);
            int j0 = Math.max(0, ow * stride - pad), j1 = Math.min(w, ow * stride - pad + k);
            int found = base + i0 * w + j0; // a NaN window: its first element
            scan:
            for (int ih = i0; ih < i1; ih++) {
                for (int iw = j0, row = base + ih * w; iw < j1; iw++) {
                    if (d[row + iw] == y[o]) {
                        found = row + iw;
                        break scan;
                    }
                }
            }
            am[o] = found;
        }
        return argmax = am;
    }

    @Override protected Tensor[] vjp(Tensor g) {
        int[] am = argmax();
        float[] dx = new float[in[0].numel()], gd = g.data();
        for (int o = 0; o < am.length; o++) dx[am[o]] += gd[o];
        return new Tensor[] {new Tensor(dx, in[0].shape())};
    }

    @Override protected Tensor jvp(Tensor[] t) {
        int[] am = argmax();
        float[] td = t[0].data(), y = new float[am.length];
        for (int o = 0; o < y.length; o++) y[o] = td[am[o]];
        return new Tensor(y, out.shape());
    }
}
