package dev.galvani.kernels;

/**
 * The primitives an accelerator must provide so that the engine can run on it. The CPU backend
 * ({@link CpuBackend}) is the reference: every other backend is tested against it.
 *
 * <p>Arrays are row-major; offsets and leading dimensions are explicit (EJML / BLAS style, inputs
 * first, output last), so a kernel never allocates.
 */
public interface Backend {

    /** A short name for logs and benchmark reports, e.g. {@code "cpu-vector(avx512, 16 lanes)"}. */
    String name();

    /**
     * {@code C = alpha * op(A) * op(B) + beta * C}, with {@code op(A)} of shape [m, k] and
     * {@code op(B)} of shape [k, n]; {@code transA} means A is stored as [k, m] (lda >= m).
     */
    void sgemm(boolean transA, boolean transB, int m, int n, int k,
               float alpha, float[] a, int aOff, int lda,
               float[] b, int bOff, int ldb,
               float beta, float[] c, int cOff, int ldc);
}
