package dev.galvani.kernels;

/**
 * The primitives an accelerator must provide so that the engine can run on it. The CPU backend
 * ({@link CpuBackend}) is the reference: every other backend is tested against it.
 *
 * <p>Memory: every backend owns the storages of its {@link Device}; values cross between the host
 * and a device only through {@link #fromHost} and {@link #toHost}. Arrays are row-major; offsets
 * and leading dimensions are explicit (EJML / BLAS style, inputs first, output last), so a kernel
 * never allocates.
 */
public interface Backend {

    /** A short name for logs and benchmark reports, e.g. {@code "cpu-vector(avx512, 16 lanes)"}. */
    String name();

    /** The device whose storages this backend computes on. */
    Device device();

    /** A storage of {@code length} zeros on this backend's device. */
    Storage allocate(int length);

    /** A copy of host values on this backend's device. */
    Storage fromHost(float[] values);

    /** A new host array holding a copy of the storage's values (the one way values leave a device). */
    float[] toHost(Storage s);

    /** Copies {@code count} values from {@code src[srcOff..]} to {@code dst[dstOff..]}, both on this device. */
    void copy(Storage src, int srcOff, Storage dst, int dstOff, int count);

    /** Sets every value of the storage to {@code value}. */
    void fill(Storage s, float value);

    /**
     * {@code C = alpha * op(A) * op(B) + beta * C}, with {@code op(A)} of shape [m, k] and
     * {@code op(B)} of shape [k, n]; {@code transA} means A is stored as [k, m] (lda >= m).
     * Host arrays: a device backend copies them over and back.
     */
    void sgemm(boolean transA, boolean transB, int m, int n, int k,
               float alpha, float[] a, int aOff, int lda,
               float[] b, int bOff, int ldb,
               float beta, float[] c, int cOff, int ldc);
}
