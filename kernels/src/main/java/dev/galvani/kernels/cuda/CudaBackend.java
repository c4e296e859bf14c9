package dev.galvani.kernels.cuda;

import dev.galvani.kernels.Backend;
import dev.galvani.kernels.BinaryOp;
import dev.galvani.kernels.Indices;
import dev.galvani.kernels.UnaryOp;
import dev.galvani.kernels.Device;
import dev.galvani.kernels.Storage;

/**
 * {@link Backend} on the GPU. Its storages ({@link CudaStorage}) live in device memory; values
 * cross to the host only through {@link #toHost}. The host-array {@link #sgemm} copies its
 * operands to the device, runs the kernel and copies the result back, into buffers that are kept
 * and grown, not reallocated per call. The CPU backend is the reference ({@code CudaBackendTest}).
 */
public final class CudaBackend implements Backend, AutoCloseable {
    private final Cuda cuda;
    private final CudaKernels kernels;
    private final boolean ownsCuda;
    private final Device device = new Device("cuda", this);
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
    public Device device() {
        return device;
    }

    @Override
    public Storage allocate(int length) {
        CudaStorage s = empty(length);
        s.buffer.fill(0f);
        return s;
    }

    @Override
    public Storage fromHost(float[] values) {
        CudaStorage s = empty(values.length);
        s.buffer.copyFrom(values);
        return s;
    }

    @Override
    public float[] toHost(Storage s) {
        float[] host = new float[s.length()];
        buffer(s).copyTo(0, host, 0, host.length);
        return host;
    }

    @Override
    public void copy(Storage src, int srcOff, Storage dst, int dstOff, int count) {
        buffer(src).copyTo(srcOff, buffer(dst), dstOff, count);
    }

    @Override
    public void fill(Storage s, float value) {
        buffer(s).fill(value);
    }

    @Override
    public Indices indices(int[] values) {
        throw unsupported("indices");
    }

    @Override
    public void unary(UnaryOp op, float p, float q, Storage x, Storage y) {
        throw unsupported("unary");
    }

    @Override
    public void unaryDerivative(UnaryOp op, float p, float q, Storage x, Storage y, Storage v, Storage r) {
        throw unsupported("unaryDerivative");
    }

    @Override
    public void binary(BinaryOp op, Storage a, int[] sa, Storage b, int[] sb, Storage out, int[] so) {
        throw unsupported("binary");
    }

    @Override
    public void sumTo(Storage x, int[] s, Storage out, int[] kept) {
        throw unsupported("sumTo");
    }

    @Override
    public void broadcastTo(Storage x, int[] s, Storage out, int[] so) {
        throw unsupported("broadcastTo");
    }

    @Override
    public Indices maxTo(Storage x, int[] s, Storage out, int[] kept) {
        throw unsupported("maxTo");
    }

    @Override
    public void gather(Storage x, Indices idx, int block, float fill, Storage out) {
        throw unsupported("gather");
    }

    @Override
    public void scatterAdd(Storage g, Indices idx, int block, Storage out) {
        throw unsupported("scatterAdd");
    }

    @Override
    public void copyStrided(Storage src, int srcOff, int srcStride, Storage dst, int dstOff, int dstStride, int len, int blocks) {
        throw unsupported("copyStrided");
    }

    @Override
    public void permute(Storage x, int[] s, int[] axes, Storage out) {
        throw unsupported("permute");
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, Storage a, int aOff, int lda, Storage b, int bOff, int ldb, float beta, Storage c, int cOff, int ldc) {
        throw unsupported("gemm");
    }

    @Override
    public void logSoftmax(Storage x, int outer, int n, int inner, Storage y) {
        throw unsupported("logSoftmax");
    }

    @Override
    public void softmaxJacobian(Storage p, Storage v, int outer, int n, int inner, Storage r) {
        throw unsupported("softmaxJacobian");
    }

    @Override
    public void logSoftmaxDerivative(Storage y, Storage v, int outer, int n, int inner, boolean transpose, Storage r) {
        throw unsupported("logSoftmaxDerivative");
    }

    @Override
    public void crossEntropy(Storage logProbs, Indices labels, int n, int c, Storage loss) {
        throw unsupported("crossEntropy");
    }

    @Override
    public void crossEntropyBackward(Storage probs, Indices labels, Storage g, int n, int c, Storage dx) {
        throw unsupported("crossEntropyBackward");
    }

    @Override
    public void crossEntropyTangent(Storage probs, Indices labels, Storage t, int n, int c, Storage out) {
        throw unsupported("crossEntropyTangent");
    }

    @Override
    public void sgdStep(Storage w, Storage g, Storage velocity, float lr, float momentum, float weightDecay) {
        throw unsupported("sgdStep");
    }

    @Override
    public void adamStep(Storage w, Storage g, Storage m, Storage v, float lr, float b1, float b2, float eps,     float c1, float c2, float weightDecay) {
        throw unsupported("adamStep");
    }

    @Override
    public void pathRows(Storage start, Storage base, float[] alpha, int e0, int ne, int u, Storage path, Storage tangent) {
        throw unsupported("pathRows");
    }

    @Override
    public void pathWeightedSum(double[] w, int ne, int u, Storage g, Storage t, Storage acc, int accOff) {
        throw unsupported("pathWeightedSum");
    }

    @Override
    public void pathDifferenceSum(int nk, int ne, int u, Storage g, Storage y, Storage acc, int accOff) {
        throw unsupported("pathDifferenceSum");
    }

    private static UnsupportedOperationException unsupported(String primitive) {
        return new UnsupportedOperationException("the CUDA backend has no " + primitive + " yet");
    }

    /**
     * A storage of {@code length} words with unspecified contents. When the device is full,
     * unreachable storages are collected (their cleaners free device memory) and the allocation
     * is tried once more.
     */
    CudaStorage empty(int length) {
        DeviceBuffer buf;
        try {
            buf = cuda.allocate(length);
        } catch (RuntimeException outOfMemory) {  // jcuda.CudaException: CUDA_ERROR_OUT_OF_MEMORY
            System.gc();
            try {
                Thread.sleep(50);  // the cleaner thread frees what the collection found
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            buf = cuda.allocate(length);
        }
        return new CudaStorage(device, buf, length);
    }

    /** The device buffer of one of this backend's storages. */
    DeviceBuffer buffer(Storage s) {
        if (s instanceof CudaStorage c && c.device() == device) return c.buffer;
        throw new IllegalArgumentException("the CUDA backend was given a storage on " + s.device());
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
