package dev.galvani.kernels;

/**
 * The CPU reference of the copying primitives: gathers and scatter-adds by integer indices (in
 * blocks of contiguous values), strided block copies (slices, concatenations, row tiles) and axis
 * permutations.
 */
public final class Indexing {
    private Indexing() {}

    /** {@code out[j·block + b] = x[idx[j]·block + b]}, or {@code fill} where {@code idx[j] < 0}. */
    public static void gather(float[] x, int[] idx, int block, float fill, float[] out) {
        if (block == 1) {
            for (int j = 0; j < idx.length; j++) out[j] = idx[j] < 0 ? fill : x[idx[j]];
            return;
        }
        for (int j = 0; j < idx.length; j++) {
            if (idx[j] < 0) java.util.Arrays.fill(out, j * block, (j + 1) * block, fill);
            else System.arraycopy(x, idx[j] * block, out, j * block, block);
        }
    }

    /** {@code out[idx[j]·block + b] += g[j·block + b]} in order of j, skipping {@code idx[j] < 0}. */
    public static void scatterAdd(float[] g, int[] idx, int block, float[] out) {
        for (int j = 0; j < idx.length; j++) {
            int r = idx[j] * block;
            if (idx[j] < 0) continue;
            for (int b = 0; b < block; b++) out[r + b] += g[j * block + b];
        }
    }

    /** {@code blocks} runs of {@code len} values from {@code src[srcOff + i·srcStride]} to {@code dst[dstOff + i·dstStride]}. */
    public static void copyStrided(float[] src, int srcOff, int srcStride, float[] dst, int dstOff, int dstStride, int len, int blocks) {
        for (int i = 0; i < blocks; i++) System.arraycopy(src, srcOff + i * srcStride, dst, dstOff + i * dstStride, len);
    }

    /** Output axis i is input axis {@code axes[i]} (axes already checked and non-negative). */
    public static void permute(float[] d, int[] s, int[] axes, float[] o) {
        int r = s.length;
        int[] st = new int[r], os = new int[r], ost = new int[r];
        for (int i = r - 1, m = 1; i >= 0; i--) {
            st[i] = m;
            m *= s[i];
        }
        for (int i = 0; i < r; i++) {
            os[i] = s[axes[i]];
            ost[i] = st[axes[i]];
        }
        if (r == 0 || o.length == 0) {
            if (o.length > 0) o[0] = d[0];
            return;
        }
        // one output row (the last axis) per step: a strided read, then the counters of the outer axes
        int[] ctr = new int[r];
        int src = 0, row = os[r - 1], step = ost[r - 1];
        for (int f = 0; f < o.length; f += row) {
            for (int j = 0; j < row; j++) o[f + j] = d[src + j * step];
            for (int k = r - 2; k >= 0; k--) {
                ctr[k]++;
                src += ost[k];
                if (ctr[k] < os[k]) break;
                src -= ost[k] * os[k];
                ctr[k] = 0;
            }
        }
    }
}
