package dev.galvani.kernels;

/**
 * Unfolding of 2-d convolution windows into columns (and back), so a convolution is one GEMM.
 *
 * <p>For one image {@code x} [C, H, W] (at {@code xOff}), column matrix rows are
 * {@code (c, i, j)} = {@code (c * kh + i) * kw + j} and columns are output positions
 * {@code p = oh * wo + ow}; the image's columns start at {@code colCol} within rows of length
 * {@code ldCol}, so a batch of images fills one wide matrix [C*kh*kw, N*Ho*Wo].
 */
public final class Im2col {
    private Im2col() {}

    /** Output size of a convolution or pooling along one dimension. */
    public static int outSize(int in, int kernel, int stride, int pad, int dilation) {
        return (in + 2 * pad - dilation * (kernel - 1) - 1) / stride + 1;
    }

    /** A 1x1 convolution with unit stride and no padding: an image's planes are already its column matrix. */
    public static boolean pointwise(int kh, int kw, int sh, int sw, int ph, int pw) {
        return kh == 1 && kw == 1 && sh == 1 && sw == 1 && ph == 0 && pw == 0;
    }

    public static void im2col(float[] x, int xOff, int c, int h, int w, int kh, int kw,
                              int sh, int sw, int ph, int pw, int dh, int dw,
                              float[] col, int ldCol, int colCol) {
        int ho = outSize(h, kh, sh, ph, dh), wo = outSize(w, kw, sw, pw, dw);
        if (pointwise(kh, kw, sh, sw, ph, pw)) {
            // 1x1 convolution: each channel's plane is one row of the column matrix
            for (int ch = 0; ch < c; ch++) System.arraycopy(x, xOff + ch * h * w, col, ch * ldCol + colCol, h * w);
            return;
        }
        if (sh == 1 && sw == 1 && ho == h && wo == w) {
            // 'same' convolution, stride 1: each row of the column matrix is the plane shifted by
            // one flat offset, with the rows and the columns that fall off the image zeroed.
            int p = h * w;
            forEachShift(c, h, w, kh, kw, ph, pw, dh, dw, ldCol, colCol, xOff, (xc, row, s, dj) -> {
                int n = Math.max(0, p - Math.abs(s)); // entries that land on the plane
                if (s >= 0) {
                    if (n > 0) System.arraycopy(x, xc + s, col, row, n);
                    java.util.Arrays.fill(col, row + n, row + p, 0f);
                } else {
                    java.util.Arrays.fill(col, row, row + p - n, 0f);
                    if (n > 0) System.arraycopy(x, xc, col, row + p - n, n);
                }
                zeroWrappedColumns(col, row, h, w, dj);
            });
            return;
        }
        for (int ch = 0; ch < c; ch++) {
            int xc = xOff + ch * h * w;
            for (int i = 0; i < kh; i++) {
                for (int j = 0; j < kw; j++) {
                    int row = ((ch * kh + i) * kw + j) * ldCol + colCol;
                    for (int oh = 0; oh < ho; oh++) {
                        int ih = oh * sh - ph + i * dh;
                        int dst = row + oh * wo;
                        if (ih < 0 || ih >= h) {
                            java.util.Arrays.fill(col, dst, dst + wo, 0f);
                            continue;
                        }
                        int src = xc + ih * w;
                        int iw = -pw + j * dw;
                        if (sw == 1 && iw >= 0 && iw + wo <= w) {
                            System.arraycopy(x, src + iw, col, dst, wo);
                            continue;
                        }
                        // columns whose input lies inside the row, ow in [lo, hi), copied without a
                        // test per element (strided layers); zeros on either side
                        int lo = iw >= 0 ? 0 : Math.min(wo, (-iw + sw - 1) / sw);
                        int hi = iw > w - 1 ? lo : Math.max(lo, Math.min(wo, (w - 1 - iw) / sw + 1));
                        java.util.Arrays.fill(col, dst, dst + lo, 0f);
                        for (int ow = lo, at = src + iw + lo * sw; ow < hi; ow++, at += sw) col[dst + ow] = x[at];
                        java.util.Arrays.fill(col, dst + hi, dst + wo, 0f);
                    }
                }
            }
        }
    }

    /** One tap of a 'same' stride-1 convolution: plane start, column-matrix row, flat shift, column shift. */
    private interface Shift {
        void apply(int xc, int row, int s, int dj);
    }

    /** Visits every (channel, kernel row, kernel column) of a 'same' stride-1 convolution. */
    private static void forEachShift(int c, int h, int w, int kh, int kw, int ph, int pw, int dh, int dw,
                                     int ldCol, int colCol, int xOff, Shift body) {
        for (int ch = 0; ch < c; ch++) {
            for (int i = 0; i < kh; i++) {
                for (int j = 0; j < kw; j++) {
                    int dj = j * dw - pw;
                    body.apply(xOff + ch * h * w, ((ch * kh + i) * kw + j) * ldCol + colCol, (i * dh - ph) * w + dj, dj);
                }
            }
        }
    }

    /** Zeroes, in one shifted row of the column matrix, the output columns whose input column dj away is off the image. */
    private static void zeroWrappedColumns(float[] col, int row, int h, int w, int dj) {
        int lo = dj < 0 ? 0 : w - Math.min(w, dj), hi = dj < 0 ? Math.min(w, -dj) : w;
        if (lo >= hi) return;
        for (int oh = 0; oh < h; oh++) java.util.Arrays.fill(col, row + oh * w + lo, row + oh * w + hi, 0f);
    }

    /**
     * The adjoint of {@link #im2col}: adds each column entry back into its image position. For a
     * 'same' convolution with stride 1 the column matrix is scratch: entries that map off the image
     * are zeroed, and each row is added to the plane shifted, in one pass.
     */
    public static void col2im(float[] col, int ldCol, int colCol, int c, int h, int w, int kh, int kw,
                              int sh, int sw, int ph, int pw, int dh, int dw, float[] x, int xOff) {
        int ho = outSize(h, kh, sh, ph, dh), wo = outSize(w, kw, sw, pw, dw);
        if (sh == 1 && sw == 1 && ho == h && wo == w && (kh > 1 || kw > 1)) {
            int p = h * w;
            forEachShift(c, h, w, kh, kw, ph, pw, dh, dw, ldCol, colCol, xOff, (xc, row, s, dj) -> {
                zeroWrappedColumns(col, row, h, w, dj);
                // output q reads input q + s; rows off the image fall outside [0, p)
                int q0 = Math.max(0, -s), q1 = Math.min(p, p - s), dst = xc + s;
                for (int q = q0; q < q1; q++) x[dst + q] += col[row + q];
            });
            return;
        }
        if (pointwise(kh, kw, sh, sw, ph, pw)) {
            for (int ch = 0; ch < c; ch++) {
                int src = ch * ldCol + colCol, dst = xOff + ch * h * w;
                for (int q = 0; q < h * w; q++) x[dst + q] += col[src + q];
            }
            return;
        }
        for (int ch = 0; ch < c; ch++) {
            int xc = xOff + ch * h * w;
            for (int i = 0; i < kh; i++) {
                for (int j = 0; j < kw; j++) {
                    int row = ((ch * kh + i) * kw + j) * ldCol + colCol;
                    for (int oh = 0; oh < ho; oh++) {
                        int ih = oh * sh - ph + i * dh;
                        if (ih < 0 || ih >= h) continue;
                        int src = row + oh * wo, dst = xc + ih * w;
                        int iw = -pw + j * dw;
                        // columns whose input position lies inside the row: ow in [lo, hi)
                        int lo = iw >= 0 ? 0 : (-iw + sw - 1) / sw;
                        int hi = Math.min(wo, (w - 1 - iw) / sw + 1);
                        for (int ow = lo; ow < hi; ow++) x[dst + iw + ow * sw] += col[src + ow];
                    }
                }
            }
        }
    }
}
