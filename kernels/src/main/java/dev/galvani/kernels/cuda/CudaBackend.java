package dev.galvani.kernels.cuda;

import dev.galvani.kernels.Backend;

/**
 * {@link Backend} on the GPU: each call copies its host operands to the device, runs the kernel
 * and copies the result back. Correct first; the device buffers are kept and grown, not
 * reallocated per call. The CPU backend is the reference ({@code CudaBackendTest}).
 */
public final class CudaBackend implements Backend, AutoCloseable {
    private final Cuda cuda;
    private final CudaKernels kernels;
    private final boolean ownsCuda;
    private DeviceBuffer a, b, c;

    public CudaBackend(Cuda cuda) {
        this(cuda, false);
    }

    private CudaBackend(Cuda cuda, boolean ownsCuda) {
        this.cuda = cuda;
        this.kernels = new CudaKernels(cuda);
        this.ownsCuda = ownsCuda;
    }

    /** Opens device 0 for this backend alone (closed with it); throws if CUDA is unavailable. */
    public static CudaBackend open() {
        return new CudaBackend(Cuda.open(), true);
    }

    public CudaKernels kernels() {
        return kernels;
    }

    @Override
    public String name() {
        return "cuda(" + cuda.deviceName() + ", sgemm_v" + CudaKernels.SGEMM_VERSION + ")";
    }

    @Override
    public synchronized void sgemm(boolean transA, boolean transB, int m, int n, int k,
                                   float alpha, float[] aHost, int aOff, int lda,
                                   float[] bHost, int bOff, int ldb,
                                   float beta, float[] cHost, int cOff, int ldc) {
        if (m == 0 || n == 0) return;
        // The spans from the offsets to the last element used; rows in between travel too, so the
        // kernel sees the host's leading dimensions unchanged.
        int aSpan = (int) CudaKernels.span(transA ? k : m, transA ? m : k, lda);
        int bSpan = (int) CudaKernels.span(transB ? n : k, transB ? k : n, ldb);
        int cSpan = (int) CudaKernels.span(m, n, ldc);
        a = fit(a, aSpan);
        b = fit(b, bSpan);
        c = fit(c, cSpan);
        a.copyFrom(aHost, aOff, 0, aSpan);
        b.copyFrom(bHost, bOff, 0, bSpan);
        // C goes in even when beta == 0: the copy back covers the gaps between rows (ldc > n).
        c.copyFrom(cHost, cOff, 0, cSpan);
        kernels.sgemm(CudaKernels.SGEMM_VERSION, transA, transB, m, n, k, alpha,
                a, Math.max(lda, 1), b, Math.max(ldb, 1), beta, c, ldc);
        c.copyTo(0, cHost, cOff, cSpan);
    }

    /** A buffer of at least {@code words}, reusing {@code current} when it is big enough. */
    private DeviceBuffer fit(DeviceBuffer current, long words) {
        if (current != null && current.length() >= words) return current;
        if (current != null) current.close();
        long grown = Math.max(words, current == null ? 0 : current.length() + current.length() / 2);
        return cuda.allocate(Math.max(grown, 1024));
    }

    @Override
    public synchronized void close() {
        for (DeviceBuffer d : new DeviceBuffer[] {a, b, c}) {
            if (d != null) d.close();
        }
        a = b = c = null;
        if (ownsCuda) cuda.close();
    }
}
