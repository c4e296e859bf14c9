package dev.galvani.engine.ops;

import dev.galvani.engine.ShapeException;
import dev.galvani.engine.Tensor;
import dev.galvani.kernels.Backend;
import dev.galvani.kernels.ConvGeometry;
import dev.galvani.kernels.Convolution;
import dev.galvani.kernels.Im2col;

/**
 * 2-d convolution (cross-correlation, as PyTorch): x [N, C, H, W], weight [O, C/groups, kh, kw],
 * optional bias [O], with stride, padding, dilation and groups (depthwise when groups == C), on
 * the backend's {@code conv2d} primitive (on the CPU: {@link Convolution}, an unfolding and one
 * GEMM per group and chunk of images, or the direct depthwise kernel).
 * VJP: {@code dW = dY colᵀ}, {@code dX = col2im(Wᵀ dY)}, {@code db = Σ dY}.
 * JVP: {@code conv(ẋ, W) + conv(x, Ẇ) + ḃ}.
 */
public final class Conv2d extends Op {
    private final int sh, sw, ph, pw, dh, dw, groups;
    private ConvGeometry geo;

    public Conv2d(int sh, int sw, int ph, int pw, int dh, int dw, int groups) {
        this.sh = sh;
        this.sw = sw;
        this.ph = ph;
        this.pw = pw;
        this.dh = dh;
        this.dw = dw;
        this.groups = groups;
    }

    public Conv2d(int stride, int padding, int dilation, int groups) {
        this(stride, stride, padding, padding, dilation, dilation, groups);
    }

    @Override public String name() { return "conv2d"; }

    @Override protected Tensor forward(Tensor[] in) {
        Tensor x = in[0], wt = in[1];
        if (x.dim() != 4) throw new ShapeException(name(), "input " + x.shapeString() + " is not [N, C, H, W]");
        if (wt.dim() != 4) throw new ShapeException(name(), "weight " + wt.shapeString() + " is not [O, C/groups, kh, kw]");
        int n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
        int o = wt.size(0), kh = wt.size(2), kw = wt.size(3);
        if (c % groups != 0 || o % groups != 0) {
            throw new ShapeException(name(), "channels " + c + " in / " + o + " out are not divisible by groups " + groups);
        }
        if (wt.size(1) * groups != c) {
            throw new ShapeException(name(), "input has " + c + " channels, weight expects " + wt.size(1) * groups
                    + " (input " + x.shapeString() + ", weight " + wt.shapeString() + ", groups " + groups + ")");
        }
        if (in.length > 2 && in[2].numel() != o) {
            throw new ShapeException(name(), "bias has " + in[2].numel() + " values, weight has " + o + " filters");
        }
        int ho = Im2col.outSize(h, kh, sh, ph, dh), wo = Im2col.outSize(w, kw, sw, pw, dw);
        if (ho <= 0 || wo <= 0) {
            throw new ShapeException(name(), "input " + x.shapeString() + " is smaller than the kernel " + kh + "x" + kw);
        }
        geo = new ConvGeometry(n, c, h, w, o, kh, kw, sh, sw, ph, pw, dh, dw, groups);
        return conv(x, wt, in.length > 2 ? in[2] : null);
    }

    private Tensor conv(Tensor x, Tensor wt, Tensor b) {
        Tensor y = Storages.zeros(x, geo.n(), geo.o(), geo.ho(), geo.wo());
        Storages.backend(x).conv2d(geo, x.storage(), wt.storage(), b == null ? null : b.storage(), y.storage());
        return y;
    }

    @Override protected Tensor[] vjp(Tensor grad) {
        Tensor x = in[0], wt = in[1];
        Tensor[] out = new Tensor[in.length];
        if (x.requiresGrad()) out[0] = Storages.zeros(grad, x.shape());
        if (wt.requiresGrad()) out[1] = Storages.zeros(grad, wt.shape());
        if (in.length > 2 && in[2].requiresGrad()) out[2] = Storages.zeros(grad, in[2].shape());
        Backend be = Storages.backend(grad);
        be.conv2dBackward(geo, grad.storage(), x.storage(), wt.storage(), storage(out[0]), storage(out[1]),
                out.length > 2 ? storage(out[2]) : null);
        return out;
    }

    private static dev.galvani.kernels.Storage storage(Tensor t) {
        return t == null ? null : t.storage();
    }

    @Override protected Tensor jvp(Tensor[] t) {
        Tensor y = null;
        if (t[0] != null) y = conv(t[0], in[1], null);
        if (t[1] != null) y = addTangents(y, conv(in[0], t[1], null));
        if (t.length > 2 && t[2] != null) {
            Tensor zero = Tensor.zeros(in[0].device(), geo.o(), geo.cg(), geo.kh(), geo.kw());
            y = addTangents(y, conv(in[0], zero, t[2]));
        }
        return y;
    }
}
