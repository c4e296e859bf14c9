package dev.galvani.engine.ops;

import dev.galvani.engine.ShapeException;
import dev.galvani.engine.Tensor;
import dev.galvani.kernels.Indices;
import dev.galvani.kernels.PoolGeometry;

/**
 * 2-d max or average pooling with every option ONNX's {@code MaxPool}/{@code AveragePool} and
 * PyTorch's pooling layers have: rectangular kernels, strides per axis, padding per side
 * (top, left, bottom, right), dilation, {@code ceil_mode} and {@code count_include_pad}.
 * {@link MaxPool2d} and {@link AvgPool2d} remain the fast paths for the square, symmetric cases.
 *
 * <p>Output size per axis: {@code ⌊(H + p_begin + p_end − d(k−1) − 1) / s⌋ + 1}, or with
 * {@code ceil_mode} the ceiling, less one when the last window would start in the end padding
 * (PyTorch's rule). Max: padding counts as −∞; the derivative flows through the first maximal
 * element of the window in row-major order. Average: the window's sum divided by its size clipped
 * to the padded image ({@code count_include_pad}) or to the image itself; linear, so the JVP is
 * the op applied to the tangent.
 */
public final class Pool2d extends Op {
    public enum Kind { MAX, AVERAGE }

    private final Kind kind;
    private final int kh, kw, sh, sw, pt, pl, pb, pr, dh, dw;
    private final boolean ceil, countIncludePad;
    private PoolGeometry geo;
    private Indices argmax;   // max: flat input index per output

    public Pool2d(Kind kind, int kh, int kw, int sh, int sw, int pt, int pl, int pb, int pr, int dh, int dw,
                  boolean ceilMode, boolean countIncludePad) {
        this.kind = kind;
        this.kh = kh;
        this.kw = kw;
        this.sh = sh;
        this.sw = sw;
        this.pt = pt;
        this.pl = pl;
        this.pb = pb;
        this.pr = pr;
        this.dh = dh;
        this.dw = dw;
        this.ceil = ceilMode;
        this.countIncludePad = countIncludePad;
    }

    @Override public String name() { return kind == Kind.MAX ? "max_pool2d" : "avg_pool2d"; }

    /** Output size along one axis. */
    public static int outSize(int in, int k, int s, int pBegin, int pEnd, int d, boolean ceil) {
        return PoolGeometry.outSize(in, k, s, pBegin, pEnd, d, ceil);
    }

    @Override protected Tensor forward(Tensor[] in) {
        Tensor x = in[0];
        if (x.dim() != 4) throw new ShapeException(name(), "input " + x.shapeString() + " is not [N, C, H, W]");
        geo = new PoolGeometry(x.size(0), x.size(1), x.size(2), x.size(3), kh, kw, sh, sw, pt, pl, pb, pr, dh, dw, ceil, countIncludePad);
        int ho = geo.ho(), wo = geo.wo();
        if (ho <= 0 || wo <= 0) throw new ShapeException(name(), "kernel " + kh + "x" + kw + " does not fit " + x.shapeString());
        if (kind == Kind.AVERAGE) return average(x);
        Tensor y = Storages.zeros(x, x.size(0), x.size(1), ho, wo);
        argmax = Storages.backend(x).maxPool2d(geo, x.storage(), y.storage());
        if (argmax == null) throw new ShapeException(name(), "a window lies wholly in the padding of " + x.shapeString());
        return y;
    }

    /** Average pooling of x (the input or a tangent). */
    private Tensor average(Tensor x) {
        Tensor y = Storages.zeros(x, x.size(0), x.size(1), geo.ho(), geo.wo());
        Storages.backend(x).avgPool2d(geo, x.storage(), y.storage());
        return y;
    }

    @Override protected Tensor[] vjp(Tensor g) {
        Tensor dx = Storages.zeros(g, in[0].shape());
        if (kind == Kind.MAX) Storages.backend(g).maxPool2dBackward(geo, g.storage(), argmax, dx.storage());
        else Storages.backend(g).avgPool2dBackward(geo, g.storage(), dx.storage());
        return new Tensor[] {dx};
    }

    @Override protected Tensor jvp(Tensor[] t) {
        if (kind == Kind.AVERAGE) return average(t[0]);
        Tensor y = Storages.zeros(t[0], out.shape());
        Storages.backend(t[0]).gather(t[0].storage(), argmax, 1, 0f, y.storage());
        return y;
    }
}
