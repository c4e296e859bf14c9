package dev.galvani.kernels;

/**
 * The CPU reference of 2-d max and average pooling over the geometries of {@link PoolGeometry}
 * (every option of ONNX's MaxPool/AveragePool and PyTorch's pooling layers). Square, symmetric
 * max pooling runs the fast kernels of {@link Pooling}. Max: padding counts as −∞, the maximum's
 * first position in row-major order is saved for the derivative, a NaN wins its window. Average:
 * the window's sum times {@link PoolGeometry#scale}.
 */
public final class Pooling2d {
    private Pooling2d() {}

    /** Maxima into y [n, c, ho, wo] and their flat input positions into argmax; false when a window lies wholly in the padding. */
    public static boolean max(PoolGeometry g, float[] d, float[] y, int[] argmax) {
        int planes = g.n() * g.c(), h = g.h(), w = g.w(), ho = g.ho(), wo = g.wo();
        if (g.square()) {
            Pooling.max(d, planes, h, w, g.kh(), g.sh(), g.pt(), y, argmax);
            return true;
        }
        for (int p = 0; p < planes; p++) {
            int base = p * h * w;
            for (int oh = 0; oh < ho; oh++) {
                for (int ow = 0; ow < wo; ow++) {
                    int o = (p * ho + oh) * wo + ow, best = -1;
                    float m = Float.NEGATIVE_INFINITY;
                    for (int i = 0; i < g.kh(); i++) {
                        int ih = oh * g.sh() - g.pt() + i * g.dh();
                        if (ih < 0 || ih >= h) continue;
                        for (int j = 0; j < g.kw(); j++) {
                            int iw = ow * g.sw() - g.pl() + j * g.dw();
                            if (iw < 0 || iw >= w) continue;
                            float v = d[base + ih * w + iw];
                            if (best < 0 || v > m || (Float.isNaN(v) && !Float.isNaN(m))) {
                                m = v;
                                best = base + ih * w + iw;
                            }
                        }
                    }
                    if (best < 0) return false;
                    y[o] = m;
                    argmax[o] = best;
                }
            }
        }
        return true;
    }

    /** Averages of x into y [n, c, ho, wo]. */
    public static void average(PoolGeometry g, float[] d, float[] y) {
        int planes = g.n() * g.c(), h = g.h(), w = g.w(), ho = g.ho(), wo = g.wo();
        float[] scale = scales(g);
        for (int p = 0; p < planes; p++) {
            int base = p * h * w;
            for (int oh = 0; oh < ho; oh++) {
                for (int ow = 0; ow < wo; ow++) {
                    float s = 0;
                    for (int i = 0; i < g.kh(); i++) {
                        int ih = oh * g.sh() - g.pt() + i * g.dh();
                        if (ih < 0 || ih >= h) continue;
                        for (int j = 0; j < g.kw(); j++) {
                            int iw = ow * g.sw() - g.pl() + j * g.dw();
                            if (iw >= 0 && iw < w) s += d[base + ih * w + iw];
                        }
                    }
                    y[(p * ho + oh) * wo + ow] = s * scale[oh * wo + ow];
                }
            }
        }
    }

    /** Adds the gradient of average pooling into dx from gd = dL/dy. */
    public static void averageBackward(PoolGeometry g, float[] gd, float[] dx) {
        int planes = g.n() * g.c(), h = g.h(), w = g.w(), ho = g.ho(), wo = g.wo();
        float[] scale = scales(g);
        for (int p = 0; p < planes; p++) {
            int base = p * h * w;
            for (int oh = 0; oh < ho; oh++) {
                for (int ow = 0; ow < wo; ow++) {
                    float v = gd[(p * ho + oh) * wo + ow] * scale[oh * wo + ow];
                    for (int i = 0; i < g.kh(); i++) {
                        int ih = oh * g.sh() - g.pt() + i * g.dh();
                        if (ih < 0 || ih >= h) continue;
                        for (int j = 0; j < g.kw(); j++) {
                            int iw = ow * g.sw() - g.pl() + j * g.dw();
                            if (iw >= 0 && iw < w) dx[base + ih * w + iw] += v;
                        }
                    }
                }
            }
        }
    }

    /** The reciprocal divisor of every output position (shared by the planes). */
    static float[] scales(PoolGeometry g) {
        int ho = g.ho(), wo = g.wo();
        float[] s = new float[ho * wo];
        for (int oh = 0; oh < ho; oh++) for (int ow = 0; ow < wo; ow++) s[oh * wo + ow] = g.scale(oh, ow);
        return s;
    }
}
