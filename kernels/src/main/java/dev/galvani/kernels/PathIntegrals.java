package dev.galvani.kernels;

/**
 * The CPU reference of the path-integral primitives (docs/methods.md §1): the rows of the
 * straight path {@code x' + α_k (x − x')} laid out step-major, and the weighted sums over the
 * path's nodes that give conductance, internal influence and integrated gradients. A pass holds
 * {@code nk} nodes of {@code ne} examples; row {@code (k, i)} is row {@code k·ne + i}, of
 * {@code u} values.
 */
public final class PathIntegrals {
    private PathIntegrals() {}

    /**
     * {@code path[(k·ne + i)·u + j] = b + α_k (s − b)} with {@code s, b} the values of example
     * {@code e0 + i} of start and baseline; {@code tangent} (may be null) gets {@code s − b}.
     */
    public static void pathRows(float[] s, float[] b, float[] alpha, int e0, int ne, int u, float[] path, float[] tangent) {
        for (int k = 0; k < alpha.length; k++) {
            float a = alpha[k];
            for (int i = 0; i < ne; i++) {
                int src = (e0 + i) * u, dst = (k * ne + i) * u;
                for (int j = 0; j < u; j++) {
                    float bj = b[src + j], dj = s[src + j] - bj;
                    path[dst + j] = bj + a * dj;
                    if (tangent != null) tangent[dst + j] = dj;
                }
            }
        }
    }

    /**
     * {@code acc[off + i·u + j] += Σ_{k < w.length} (float) (w_k g[k, i, j] t[k, i, j])} in order of
     * k (t null: {@code w_k g}); rows of g and t are {@code (k·ne + i)·u}.
     */
    public static void weightedSum(double[] w, int ne, int u, float[] g, float[] t, float[] acc, int off) {
        for (int k = 0; k < w.length; k++) {
            double wk = w[k];
            for (int i = 0; i < ne; i++) {
                int r = (k * ne + i) * u, dst = off + i * u;
                if (t == null) for (int j = 0; j < u; j++) acc[dst + j] += (float) (wk * g[r + j]);
                else for (int j = 0; j < u; j++) acc[dst + j] += (float) (wk * g[r + j] * t[r + j]);
            }
        }
    }

    /**
     * Captum's conductance sum over consecutive nodes (Captum 0.8 LayerConductance):
     * {@code acc[off + i·u + j] += Σ_{k < nk−1} g[k, i, j] (y[k+1, i, j] − y[k, i, j])}.
     */
    public static void differenceSum(int nk, int ne, int u, float[] g, float[] y, float[] acc, int off) {
        for (int k = 0; k + 1 < nk; k++) {
            for (int i = 0; i < ne; i++) {
                int r = (k * ne + i) * u, rn = ((k + 1) * ne + i) * u, dst = off + i * u;
                for (int j = 0; j < u; j++) acc[dst + j] += g[r + j] * (y[rn + j] - y[r + j]);
            }
        }
    }
}
