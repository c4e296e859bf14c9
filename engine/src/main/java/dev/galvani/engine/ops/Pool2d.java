package dev.galvani.engine.ops;

import dev.galvani.engine.ShapeException;
import dev.galvani.engine.Tensor;

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
    private int ho, wo;
    private int[] argmax;   // max: flat input index per output
    private float[] scale;  // average: 1 / divisor per output position (shared by planes)

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
        int span = in + pBegin + pEnd - d * (k - 1) - 1;
        if (span < 0) return 0;
        int o = (ceil ? (span + s - 1) / s : span / s) + 1;
        if (ceil && (o - 1) * s >= in + pBegin) o--;
        return o;
    }

    @Override protected Tensor forward(Tensor[] in) {
        Tensor x = in[0];
        if (x.dim() != 4) throw new ShapeException(name(), "input " + x.shapeString() + " is not [N, C, H, W]");
        int h = x.size(2), w = x.size(3);
        ho = outSize(h, kh, sh, pt, pb, dh, ceil);
        wo = outSize(w, kw, sw, pl, pr, dw, ceil);
        if (ho <= 0 || wo <= 0) throw new ShapeException(name(), "kernel " + kh + "x" + kw + " does not fit " + x.shapeString());
        if (kind == Kind.AVERAGE) {
            scale = new float[ho * wo];
            for (int oh = 0; oh < ho; oh++) {
                for (int ow = 0; ow < wo; ow++) {
                    scale[oh * wo + ow] = 1f / (count(oh * sh - pt, kh, dh, h, pt, pb) * count(ow * sw - pl, kw, dw, w, pl, pr));
                }
            }
            return average(x);
        }
        int planes = x.size(0) * x.size(1);
        float[] d = x.data(), y = new float[planes * ho * wo];
        argmax = new int[y.length];
        for (int p = 0; p < planes; p++) {
            int base = p * h * w;
            for (int oh = 0; oh < ho; oh++) {
                for (int ow = 0; ow < wo; ow++) {
                    int o = (p * ho + oh) * wo + ow, best = -1;
                    float m = Float.NEGATIVE_INFINITY;
                    for (int i = 0; i < kh; i++) {
                        int ih = oh * sh - pt + i * dh;
                        if (ih < 0 || ih >= h) continue;
                        for (int j = 0; j < kw; j++) {
                            int iw = ow * sw - pl + j * dw;
                            if (iw < 0 || iw >= w) continue;
                            float v = d[base + ih * w + iw];
                            if (best < 0 || v > m || (Float.isNaN(v) && !Float.isNaN(m))) {
                                m = v;
                                best = base + ih * w + iw;
                            }
                        }
                    }
                    if (best < 0) throw new ShapeException(name(), "a window at (" + oh + ", " + ow + ") lies wholly in the padding of " + x.shapeString());
                    y[o] = m;
                    argmax[o] = best;
                }
            }
        }
        return new Tensor(y, x.size(0), x.size(1), ho, wo);
    }

    /** Taps of a window starting at {@code start} counted by the divisor: inside the padded or the plain axis. */
    private int count(int start, int k, int d, int size, int pBegin, int pEnd) {
        int lo = countIncludePad ? -pBegin : 0, hi = countIncludePad ? size + pEnd : size, c = 0;
        for (int i = 0; i < k; i++) {
            int at = start + i * d;
            if (at >= lo && at < hi) c++;
        }
        return Math.max(c, 1);
    }

    /** Average pooling of x (the input or a tangent) with the divisors fixed in forward. */
    private Tensor average(Tensor x) {
        int planes = x.size(0) * x.size(1), h = x.size(2), w = x.size(3);
        float[] d = x.data(), y = new float[planes * ho * wo];
        for (int p = 0; p < planes; p++) {
            int base = p * h * w;
            for (int oh = 0; oh < ho; oh++) {
                for (int ow = 0; ow < wo; ow++) {
                    float s = 0;
                    for (int i = 0; i < kh; i++) {
                        int ih = oh * sh - pt + i * dh;
                        if (ih < 0 || ih >= h) continue;
                        for (int j = 0; j < kw; j++) {
                            int iw = ow * sw - pl + j * dw;
                            if (iw >= 0 && iw < w) s += d[base + ih * w + iw];
                        }
                    }
                    y[(p * ho + oh) * wo + ow] = s * scale[oh * wo + ow];
                }
            }
        }
        return new Tensor(y, x.size(0), x.size(1), ho, wo);
    }

    @Override protected Tensor[] vjp(Tensor g) {
        Tensor x = in[0];
        float[] dx = new float[x.numel()], gd = g.data();
        if (kind == Kind.MAX) {
            for (int o = 0; o < argmax.length; o++) dx[argmax[o]] += gd[o];
            return new Tensor[] {new Tensor(dx, x.shape())};
        }
        int planes = x.size(0) * x.size(1), h = x.size(2), w = x.size(3);
        for (int p = 0; p < planes; p++) {
            int base = p * h * w;
            for (int oh = 0; oh < ho; oh++) {
                for (int ow = 0; ow < wo; ow++) {
                    float v = gd[(p * ho + oh) * wo + ow] * scale[oh * wo + ow];
                    for (int i = 0; i < kh; i++) {
                        int ih = oh * sh - pt + i * dh;
                        if (ih < 0 || ih >= h) continue;
                        for (int j = 0; j < kw; j++) {
                            int iw = ow * sw - pl + j * dw;
                            if (iw >= 0 && iw < w) dx[base + ih * w + iw] += v;
                        }
                    }
                }
            }
        }
        return new Tensor[] {new Tensor(dx, x.shape())};
    }

    @Override protected Tensor jvp(Tensor[] t) {
        if (kind == Kind.AVERAGE) return average(t[0]);
        float[] td = t[0].data(), y = new float[argmax.length];
        for (int o = 0; o < y.length; o++) y[o] = td[argmax[o]];
        return new Tensor(y, out.shape());
    }
}
