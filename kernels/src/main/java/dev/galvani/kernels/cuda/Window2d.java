package dev.galvani.kernels.cuda;

/**
 * The geometry of a 2-D sliding window over x [n, c, h, w]: kernel (kh, kw), stride, zero padding.
 * Output size {@code oh = (h + 2 padH - kh) / strideH + 1} (floor, as PyTorch), likewise {@code ow}.
 * Shared by im2col/col2im and pooling ({@code conv.cu}).
 */
public record Window2d(int n, int c, int h, int w, int kh, int kw,
                       int strideH, int strideW, int padH, int padW) {

    public Window2d {
        if (n < 1 || c < 1 || h < 1 || w < 1 || kh < 1 || kw < 1 || strideH < 1 || strideW < 1
                || padH < 0 || padW < 0) {
            throw new IllegalArgumentException("invalid window geometry " + this);
        }
        if (h + 2 * padH < kh || w + 2 * padW < kw) {
            throw new IllegalArgumentException("window " + kh + "x" + kw + " exceeds the padded input "
                    + (h + 2 * padH) + "x" + (w + 2 * padW));
        }
    }

    /** A square window with equal stride and padding in both directions. */
    public static Window2d square(int n, int c, int h, int w, int k, int stride, int pad) {
        return new Window2d(n, c, h, w, k, k, stride, stride, pad, pad);
    }

    public int outH() {
        return (h + 2 * padH - kh) / strideH + 1;
    }

    public int outW() {
        return (w + 2 * padW - kw) / strideW + 1;
    }

    /** Elements of x: n c h w. */
    public long inputSize() {
        return (long) n * c * h * w;
    }

    /** Elements of a pooled output: n c oh ow. */
    public long outputSize() {
        return (long) n * c * outH() * outW();
    }

    /** Elements of the im2col matrix [n, c kh kw, oh ow]. */
    public long colSize() {
        return (long) n * c * kh * kw * outH() * outW();
    }

    /** The kernel arguments N, C, H, W, KH, KW, SH, SW, PH, PW, OH, OW in conv.cu's order. */
    Object[] kernelArgs(Object... buffers) {
        Object[] a = new Object[12 + buffers.length];
        int[] g = {n, c, h, w, kh, kw, strideH, strideW, padH, padW, outH(), outW()};
        for (int i = 0; i < g.length; i++) a[i] = g[i];
        System.arraycopy(buffers, 0, a, 12, buffers.length);
        return a;
    }
}
