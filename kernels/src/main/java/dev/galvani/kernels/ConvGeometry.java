package dev.galvani.kernels;

/**
 * The sizes of one 2-d convolution: x [n, c, h, w], weight [o, c/groups, kh, kw], y [n, o, ho, wo],
 * with stride, zero padding and dilation per axis (checked by the caller).
 */
public record ConvGeometry(int n, int c, int h, int w, int o, int kh, int kw,
                           int sh, int sw, int ph, int pw, int dh, int dw, int groups) {
    public int ho() {
        return Im2col.outSize(h, kh, sh, ph, dh);
    }

    public int wo() {
        return Im2col.outSize(w, kw, sw, pw, dw);
    }

    /** Input channels per group. */
    public int cg() {
        return c / groups;
    }

    /** Output channels per group. */
    public int og() {
        return o / groups;
    }

    /** Rows of a group's column matrix: cg kh kw. */
    public int k() {
        return cg() * kh * kw;
    }

    /** Output positions per image: ho wo. */
    public int p() {
        return ho() * wo();
    }

    /** One input and one output channel per group (MobileNet's depthwise layers). */
    public boolean depthwise() {
        return cg() == 1 && o == groups;
    }
}
