package dev.galvani.kernels;

/**
 * The sizes of one 2-d pooling over x [n, c, h, w]: kernel, strides, padding per side (top, left,
 * bottom, right), dilation, ceil mode and whether an average divides by the padded window.
 * Output size per axis {@code ⌊(H + p_begin + p_end − d(k−1) − 1) / s⌋ + 1}, or with ceil mode the
 * ceiling, less one when the last window would start in the end padding (PyTorch's rule).
 */
public record PoolGeometry(int n, int c, int h, int w, int kh, int kw, int sh, int sw,
                           int pt, int pl, int pb, int pr, int dh, int dw, boolean ceil, boolean countIncludePad) {

    /** A square window with equal stride and padding on every side (PyTorch's defaults otherwise). */
    public static PoolGeometry square(int n, int c, int h, int w, int k, int stride, int pad) {
        return new PoolGeometry(n, c, h, w, k, k, stride, stride, pad, pad, pad, pad, 1, 1, false, true);
    }

    /** Output size along one axis. */
    public static int outSize(int in, int k, int s, int pBegin, int pEnd, int d, boolean ceil) {
        int span = in + pBegin + pEnd - d * (k - 1) - 1;
        if (span < 0) return 0;
        int o = (ceil ? (span + s - 1) / s : span / s) + 1;
        if (ceil && (o - 1) * s >= in + pBegin) o--;
        return o;
    }

    public int ho() {
        return outSize(h, kh, sh, pt, pb, dh, ceil);
    }

    public int wo() {
        return outSize(w, kw, sw, pl, pr, dw, ceil);
    }

    /** The square, symmetric, undilated, floor-mode case the fast max-pooling kernels take. */
    public boolean square() {
        return kh == kw && sh == sw && pt == pl && pt == pb && pt == pr && dh == 1 && dw == 1 && !ceil
                && pt <= kh / 2 && kh <= 255;
    }

    /** 1 / divisor of the window at output position (oh, ow): the taps inside the padded image, or inside the image. */
    public float scale(int oh, int ow) {
        return 1f / (count(oh * sh - pt, kh, dh, h, pt, pb) * count(ow * sw - pl, kw, dw, w, pl, pr));
    }

    private int count(int start, int k, int d, int size, int pBegin, int pEnd) {
        int lo = countIncludePad ? -pBegin : 0, hi = countIncludePad ? size + pEnd : size, c = 0;
        for (int i = 0; i < k; i++) {
            int at = start + i * d;
            if (at >= lo && at < hi) c++;
        }
        return Math.max(c, 1);
    }
}
