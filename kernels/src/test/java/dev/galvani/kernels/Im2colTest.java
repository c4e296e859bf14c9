package dev.galvani.kernels;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** The unfolding against its definition: entry (c, i, j; oh, ow) is x[c, oh sh − ph + i dh, ow sw − pw + j dw], or 0 off the image. */
class Im2colTest {
    @Test
    void unfoldingIsTheDefinition() {
        // c, h, w, kh, kw, sh, sw, ph, pw, dh, dw: strided, padded, dilated, 1x1 strided (ResNet's downsample), wide padding
        int[][] cases = {{2, 7, 7, 3, 3, 2, 2, 1, 1, 1, 1}, {3, 8, 6, 1, 1, 2, 2, 0, 0, 1, 1}, {2, 9, 9, 3, 3, 3, 2, 2, 3, 2, 1},
            {1, 5, 5, 5, 5, 2, 2, 4, 4, 1, 1}, {2, 1, 12, 1, 4, 1, 1, 0, 0, 1, 1}, {2, 6, 7, 3, 2, 1, 3, 1, 0, 1, 2}};
        for (int[] g : cases) {
            int c = g[0], h = g[1], w = g[2], kh = g[3], kw = g[4], sh = g[5], sw = g[6], ph = g[7], pw = g[8], dh = g[9], dw = g[10];
            int ho = Im2col.outSize(h, kh, sh, ph, dh), wo = Im2col.outSize(w, kw, sw, pw, dw), p = ho * wo, ld = p + 3;
            float[] x = new float[2 + c * h * w];
            for (int i = 0; i < x.length; i++) x[i] = i + 1;
            float[] col = new float[c * kh * kw * ld], ref = new float[col.length];
            Arrays.fill(col, Float.NaN); // every entry of the image's columns must be written
            Arrays.fill(ref, Float.NaN);
            Im2col.im2col(x, 2, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, col, ld, 1);
            for (int ch = 0; ch < c; ch++) for (int i = 0; i < kh; i++) for (int j = 0; j < kw; j++) {
                for (int oh = 0; oh < ho; oh++) for (int ow = 0; ow < wo; ow++) {
                    int ih = oh * sh - ph + i * dh, iw = ow * sw - pw + j * dw;
                    ref[((ch * kh + i) * kw + j) * ld + 1 + oh * wo + ow] = ih < 0 || ih >= h || iw < 0 || iw >= w ? 0f : x[2 + (ch * h + ih) * w + iw];
                }
            }
            assertArrayEquals(ref, col, 0f, Arrays.toString(g));
        }
    }
}
