package dev.galvani.kernels;

/**
 * Direct convolution of 'same' stride-1 layers (output as large as the input: 3x3 with padding 1,
 * 5x5 with padding 2, dilated alike), without unfolding. Output position {@code p = oh * w + ow}
 * reads, for tap {@code t = (i, j)}, input position {@code p + s_t} with the flat shift
 * {@code s_t = (i dh − ph) w + (j dw − pw)}, where the tap falls on the image; so each tap of one
 * input channel is the whole plane shifted by {@code s_t} with a mask of the positions whose tap
 * falls on the image. The kernel ({@link DirectConvVector}) is the GEMM micro-kernel
 * ({@code GemmVector.kernel6x2}) with its B panel read straight from the planes through those
 * shifts and masks: 6 output channels x 2 vectors of positions per tile, the weights packed once
 * per call as [output tile][c * kh * kw + t][6].
 *
 * <p>Each output is the same sum in the same order as {@link Im2col} followed by a GEMM (k =
 * c kh kw + t ascending, one FMA chain per block of {@code GemmVector.KC} terms, blocks added
 * in order), so the forward pass is bit-identical to the unfolding path. Its transpose, the
 * gradient with respect to the input, is the same kernel on the output gradient with the
 * weights flipped and their channel axes swapped ({@link #backwardInput}); its sums run in a
 * different order than the unfolding's (all taps in one chain instead of one GEMM per tap added
 * plane by plane), so the rounding differs within the usual bound for a dot product.
 *
 * <p>Layouts: x [N, C, H, W], w [O, C, kh, kw], y [N, O, H, W] (one group: callers pass the
 * group's channels through offsets). Work is split over images, so the numbers do not depend on
 * the thread count. Needs the Vector API ({@link #available()}); callers fall back to
 * {@link Im2col} without it.
 */
public record DirectConv(int h, int w, int kh, int kw, int ph, int pw, int dh, int dw) {
    /** Output positions x taps x channel pairs per image below which one thread does it all. */
    private static final long PARALLEL_WORK = 1L << 20;

    /**
     * True when the layer is a 'same' stride-1 convolution with more than one tap. The kernel runs
     * pointwise (1x1) layers too, but there a chunked GEMM over several images is faster (forward
     * [64, 160, 7, 7] to 64: 0.5 ms against 0.9; backward 1.4 against 1.9; one thread, JDK 25).
     */
    public static boolean applies(int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw) {
        return sh == 1 && sw == 1 && (kh > 1 || kw > 1)
                && Im2col.outSize(h, kh, 1, ph, dh) == h && Im2col.outSize(w, kw, 1, pw, dw) == w;
    }

    /** True when the Vector API kernel is present (it is the only implementation). */
    public static boolean available() {
        return Gemm.vectorApi();
    }

    public int taps() {
        return kh * kw;
    }

    /** Shift of tap t in the flat plane. */
    int shift(int t) {
        return ((t / kw) * dh - ph) * w + (t % kw) * dw - pw;
    }

    /** True when tap t of output position p falls on the image. */
    boolean inside(int t, int p) {
        int ih = p / w + (t / kw) * dh - ph, iw = p % w + (t % kw) * dw - pw;
        return ih >= 0 && ih < h && iw >= 0 && iw < w;
    }

    /**
     * {@code y[n, o] = Σ_{c,t} wt[o, c, t] x[n, c] shifted by s_t} for images 0..n-1: x's image i
     * starts at {@code xOff + i * xImage}, its cin planes contiguous; y's at {@code yOff + i * yImage},
     * its cout planes contiguous; wt is [cout, cin, kh, kw] from {@code wOff}. y is overwritten.
     */
    public void forward(int n, float[] x, int xOff, int xImage, int cin, float[] wt, int wOff, int cout,
                        float[] y, int yOff, int yImage) {
        float[] packed = DirectConvVector.packWeights(wt, wOff, cout, cin, taps(), false);
        run(n, x, xOff, xImage, cin, packed, cout, y, yOff, yImage);
    }

    /**
     * The gradient with respect to the input: {@code dx[n, c] = Σ_{o,t} wt[o, c, t] dy[n, o]
     * shifted by −s_t}, i.e. the forward kernel on dy with weights [c, o, mirrored t]: 'same' with
     * stride 1 means {@code 2 ph = dh (kh − 1)}, so the mirrored tap's shift is −s_t and it falls on
     * the image exactly where tap t of position q − s_t does. dx is overwritten; layouts as in
     * {@link #forward} (dy has cout planes per image, dx cin).
     */
    public void backwardInput(int n, float[] dy, int dyOff, int dyImage, int cout, float[] wt, int wOff, int cin,
                              float[] dx, int dxOff, int dxImage) {
        float[] packed = DirectConvVector.packWeights(wt, wOff, cout, cin, taps(), true);
        run(n, dy, dyOff, dyImage, cout, packed, cin, dx, dxOff, dxImage);
    }

    /**
     * {@code dwt[o, c, t] += Σ_i Σ_p dy[i, o, p] x[i, c, p + s_t]} over the taps on the image: the
     * weight gradient, [cout, cin, kh, kw] from {@code wOff}. Each sum runs per image in one FMA
     * chain over the positions and the images' sums are added in order; the work is split over
     * rows of terms (c, t), so the numbers do not depend on the thread count.
     */
    public void backwardWeight(int n, float[] dy, int dyOff, int dyImage, int cout, float[] x, int xOff, int xImage, int cin,
                               float[] dwt, int wOff) {
        DirectConvVector.Tables tables = DirectConvVector.tables(this, cin);
        int image = cin * tables.plane(), k = cin * taps(), nr = DirectConvVector.panel(), ldw = (cout + nr - 1) / nr * nr;
        float[] xp = new float[tables.lead() + n * image + image]; // every image padded, then shared by the row jobs
        split(n, (long) h * w * taps() * cin * cout, (from, to) -> DirectConvVector.pad(this, tables, from, to, x, xOff, xImage, cin, xp, image));
        float[] dwT = new float[k * ldw];
        int tiles = (k + 5) / 6;
        split(tiles, (long) n * h * w * 6 * cout, (t0, t1) ->
                DirectConvVector.weightRows(this, tables, n, xp, image, dy, dyOff, dyImage, cout, t0 * 6, Math.min(k, t1 * 6), dwT, ldw));
        for (int o = 0; o < cout; o++) {
            for (int kk = 0; kk < k; kk++) dwt[wOff + o * k + kk] += dwT[kk * ldw + o];
        }
    }

    /** Splits [0, count) into contiguous ranges, one per available thread when the work (per item) is large. */
    private static void split(int count, long workPerItem, Parallel.Range body) {
        Parallel.split(count, count * workPerItem, PARALLEL_WORK, body);
    }

    private void run(int n, float[] x, int xOff, int xImage, int cin, float[] packed, int cout,
                     float[] y, int yOff, int yImage) {
        DirectConvVector.Tables tables = DirectConvVector.tables(this, cin);
        split(n, (long) h * w * taps() * cin * cout, (from, to) ->
                DirectConvVector.images(this, tables, from, to, x, xOff, xImage, cin, packed, cout, y, yOff, yImage));
    }
}
