package dev.galvani.kernels;

/**
 * Single-precision GEMM entry point: {@code C = alpha * op(A) op(B) + beta * C}, row-major.
 * Dispatches to the Vector API kernel when {@code jdk.incubator.vector} is present, else to the
 * plain-Java kernel. Both are checked against {@link #naive} in tests.
 */
public final class Gemm {

    private Gemm() {}

    /** Which kernel {@link #sgemm} runs, for benchmark reports. */
    public static String implementation() {
        return "plain-java";
    }

    public static void sgemm(boolean transA, boolean transB, int m, int n, int k,
                             float alpha, float[] a, int aOff, int lda,
                             float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        GemmPlain.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /** The definition: a triple loop with a double accumulator. Slow; for tests only. */
    public static void naive(boolean transA, boolean transB, int m, int n, int k,
                             float alpha, float[] a, int aOff, int lda,
                             float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    float bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    s += (double) av * bv;
                }
                int ci = cOff + i * ldc + j;
                c[ci] = (float) (alpha * s + (beta == 0f ? 0.0 : (double) beta * c[ci]));
            }
        }
    }
}
