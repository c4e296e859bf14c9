package dev.galvani.kernels.cuda;

import dev.galvani.kernels.Backend;
import dev.galvani.kernels.BinaryOp;
import dev.galvani.kernels.ConvGeometry;
import dev.galvani.kernels.Device;
import dev.galvani.kernels.Indices;
import dev.galvani.kernels.PoolGeometry;
import dev.galvani.kernels.Storage;
import dev.galvani.kernels.UnaryOp;

/**
 * {@link Backend} on the GPU: every primitive is a kernel of {@code kernels/src/main/cuda} launched
 * on device buffers ({@link CudaStorage}); values cross to the host only through {@link #toHost}.
 * Launches are asynchronous on the context's one stream, so they run in order; shapes travel by
 * value (a {@code Dims} struct), so no launch waits. The CPU backend is the reference: each
 * kernel states its CPU kernel, and the tests compare them ({@code CudaBackendTest},
 * {@code scripts/gen-ptx.sh --check} under emulation).
 *
 * <p>GEMM runs Galvani's {@code sgemm_v2}, or cuBLAS with {@code -Dgalvani.cuda.gemm=cublas}
 * ({@link Cublas}, the reference and speed peer). The host-array {@link #sgemm} copies its
 * operands over and back, into buffers that are kept and grown.
 */
public final class CudaBackend implements Backend, AutoCloseable {
    private static final int THREADS = 256;
    private static final int MAX_BLOCKS = 65535;  // grid-stride loops cover the rest
    private static final int MAX_RANK = 8;
    private final Cuda cuda;
    private final CudaKernels kernels;
    private final boolean ownsCuda;
    private final Device device = new Device("cuda", this);
    private final boolean useCublas = "cublas".equals(System.getProperty("galvani.cuda.gemm"));
    private Cublas cublas;
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

    public Cuda cuda() {
        return cuda;
    }

    @Override
    public String name() {
        return "cuda(" + cuda.deviceName() + ", " + (useCublas ? "cublas" : "sgemm_v" + CudaKernels.SGEMM_VERSION) + ")";
    }

    @Override
    public Device device() {
        return device;
    }

    // ---- memory ----------------------------------------------------------------------------------

    /** Free device memory, from {@code cuMemGetInfo}. */
    @Override
    public long memoryFree() {
        return cuda.memoryFree();
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
        DeviceBuffer buf = allocateWords(values.length);
        buf.copyFrom(values);
        return new CudaIndices(device, buf, values.length);
    }

    /**
     * A storage of {@code length} words with unspecified contents. When the device is full,
     * unreachable storages are collected (their cleaners free device memory) and the allocation
     * is tried once more.
     */
    CudaStorage empty(int length) {
        return new CudaStorage(device, allocateWords(length), length);
    }

    private DeviceBuffer allocateWords(long words) {
        try {
            return cuda.allocate(words);
        } catch (RuntimeException outOfMemory) {  // jcuda.CudaException: CUDA_ERROR_OUT_OF_MEMORY
            System.gc();
            try {
                Thread.sleep(100);  // the cleaner thread frees what the collection found
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return cuda.allocate(words);
        }
    }

    /** The device buffer of one of this backend's storages. */
    DeviceBuffer buffer(Storage s) {
        if (s instanceof CudaStorage c && c.device() == device) return c.buffer;
        throw new IllegalArgumentException("the CUDA backend was given a storage on " + s.device());
    }

    private DeviceBuffer ints(Indices idx) {
        if (idx instanceof CudaIndices c && c.device() == device) return c.buffer();
        throw new IllegalArgumentException("the CUDA backend was given indices on " + idx.device());
    }

    private void launch(String module, String kernel, long n, Object... args) {
        if (n <= 0) return;
        int blocks = (int) Math.min(MAX_BLOCKS, (n + THREADS - 1) / THREADS);
        cuda.launch(module, kernel, new int[] {blocks, 1, 1}, new int[] {THREADS, 1, 1}, args);
    }

    // ---- elementwise -----------------------------------------------------------------------------

    @Override
    public void unary(UnaryOp op, float p, float q, Storage x, Storage y) {
        launch("elementwise", "unary_forward", x.length(), op.ordinal(), p, q, x.length(), buffer(x), buffer(y));
    }

    @Override
    public void unaryDerivative(UnaryOp op, float p, float q, Storage x, Storage y, Storage v, Storage r) {
        DeviceBuffer yb = y == null ? buffer(x) : buffer(y);
        launch("elementwise", "unary_derivative", x.length(), op.ordinal(), p, q, x.length(), buffer(x), yb, buffer(v), buffer(r));
    }

    @Override
    public void binary(BinaryOp op, Storage a, int[] sa, Storage b, int[] sb, Storage out, int[] so) {
        int rank = Math.max(1, so.length);
        int[] dims = dims(rank);
        int[] pa = pad(sa, so.length), pb = pad(sb, so.length);
        long as = 1, bs = 1;
        for (int d = so.length - 1; d >= 0; d--) {
            dims[d] = so[d];
            dims[rank + d] = pa[d] == 1 ? 0 : (int) as;
            dims[2 * rank + d] = pb[d] == 1 ? 0 : (int) bs;
            as *= pa[d];
            bs *= pb[d];
        }
        if (so.length == 0) dims[0] = 1;
        launch("elementwise", "binary_broadcast", out.length(), op.ordinal(), out.length(), rank, dims, buffer(a), buffer(b), buffer(out));
    }

    @Override
    public void sumTo(Storage x, int[] s, Storage out, int[] kept) {
        launch("elementwise", "sum_to", out.length(), out.length(), x.length() / Math.max(1, out.length()), Math.max(1, s.length),
                reduceDims(s, kept), buffer(x), buffer(out));
    }

    @Override
    public void broadcastTo(Storage x, int[] s, Storage out, int[] so) {
        int rank = Math.max(1, so.length);
        int[] dims = dims(rank), ps = pad(s, so.length);
        long st = 1;
        for (int d = so.length - 1; d >= 0; d--) {
            dims[d] = so[d];
            dims[rank + d] = ps[d] == 1 ? 0 : (int) st;
            st *= ps[d];
        }
        if (so.length == 0) dims[0] = 1;
        launch("elementwise", "broadcast_forward", out.length(), out.length(), rank, dims, buffer(x), buffer(out));
    }

    @Override
    public Indices maxTo(Storage x, int[] s, Storage out, int[] kept) {
        DeviceBuffer argmax = allocateWords(out.length());
        launch("elementwise", "max_to", out.length(), out.length(), x.length() / Math.max(1, out.length()), Math.max(1, s.length),
                reduceDims(s, kept), buffer(x), buffer(out), argmax);
        return new CudaIndices(device, argmax, out.length());
    }

    /** x's shape, then kept left-padded with ones to its rank (elementwise.cu's reduction layout). */
    private static int[] reduceDims(int[] s, int[] kept) {
        int rank = Math.max(1, s.length);
        int[] dims = dims(rank), k = pad(kept, s.length);
        for (int d = 0; d < s.length; d++) {
            dims[d] = s[d];
            dims[rank + d] = k[d];
        }
        if (s.length == 0) dims[0] = dims[rank] = 1;
        return dims;
    }

    private static int[] dims(int rank) {
        if (rank > MAX_RANK) throw new IllegalArgumentException("rank " + rank + " exceeds the kernels' " + MAX_RANK);
        return new int[3 * MAX_RANK];
    }

    /** {@code shape} with ones in front up to {@code rank} (NumPy's alignment at the last axis). */
    private static int[] pad(int[] shape, int rank) {
        int[] p = new int[rank];
        java.util.Arrays.fill(p, 1);
        System.arraycopy(shape, 0, p, rank - shape.length, shape.length);
        return p;
    }

    // ---- copies ----------------------------------------------------------------------------------

    @Override
    public void gather(Storage x, Indices idx, int block, float fill, Storage out) {
        launch("indexing", "gather_blocks", (long) idx.length() * block, idx.length(), block, fill, ints(idx), buffer(x), buffer(out));
    }

    @Override
    public void scatterAdd(Storage g, Indices idx, int block, Storage out) {
        launch("indexing", "scatter_add_blocks", (long) idx.length() * block, idx.length(), block, ints(idx), buffer(g), buffer(out));
    }

    @Override
    public void copyStrided(Storage src, int srcOff, int srcStride, Storage dst, int dstOff, int dstStride, int len, int blocks) {
        launch("indexing", "copy_strided", (long) len * blocks, len, blocks, buffer(src).at(srcOff), srcStride,
                buffer(dst).at(dstOff), dstStride);
    }

    @Override
    public void permute(Storage x, int[] s, int[] axes, Storage out) {
        int r = s.length;
        if (r > MAX_RANK) throw new IllegalArgumentException("rank " + r + " exceeds the kernels' " + MAX_RANK);
        int[] dims = new int[2 * MAX_RANK], st = new int[r];
        for (int i = r - 1, m = 1; i >= 0; i--) {
            st[i] = m;
            m *= s[i];
        }
        for (int i = 0; i < r; i++) {
            dims[i] = s[axes[i]];
            dims[r + i] = st[axes[i]];
        }
        launch("indexing", "permute_forward", out.length(), out.length(), r, dims, buffer(x), buffer(out));
    }

    // ---- dense -----------------------------------------------------------------------------------

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, Storage a, int aOff, int lda,
                     Storage b, int bOff, int ldb, float beta, Storage c, int cOff, int ldc) {
        if (m == 0 || n == 0) return;
        gemmBuffers(transA, transB, m, n, k, alpha, buffer(a).at(aOff), lda, buffer(b).at(bOff), ldb, beta, buffer(c).at(cOff), ldc);
    }

    /** {@link #gemm} by cuBLAS on this backend's storages: the reference and the speed peer of the GEMM kernel. */
    public void cublasGemm(boolean transA, boolean transB, int m, int n, int k, float alpha, Storage a, int aOff, int lda,
                           Storage b, int bOff, int ldb, float beta, Storage c, int cOff, int ldc) {
        cublas().sgemm(transA, transB, m, n, k, alpha, buffer(a).at(aOff), lda, buffer(b).at(bOff), ldb, beta,
                buffer(c).at(cOff), ldc);
    }

    /** cuBLAS on this context, opened on first use; throws with the reason when its library does not load. */
    public synchronized Cublas cublas() {
        if (cublas == null) cublas = Cublas.open(cuda);
        return cublas;
    }

    // ---- softmax and cross-entropy ---------------------------------------------------------------

    @Override
    public void logSoftmax(Storage x, int outer, int n, int inner, Storage y) {
        launch("softmax", "log_softmax_axis", (long) outer * inner, outer, n, inner, buffer(x), buffer(y));
    }

    @Override
    public void softmaxJacobian(Storage p, Storage v, int outer, int n, int inner, Storage r) {
        launch("softmax", "softmax_jacobian_axis", (long) outer * inner, outer, n, inner, buffer(p), buffer(v), buffer(r));
    }

    @Override
    public void logSoftmaxDerivative(Storage y, Storage v, int outer, int n, int inner, boolean transpose, Storage r) {
        launch("softmax", "log_softmax_derivative_axis", (long) outer * inner, outer, n, inner, transpose, buffer(y), buffer(v), buffer(r));
    }

    @Override
    public void crossEntropy(Storage logProbs, Indices labels, int n, int c, Storage loss) {
        launch("softmax", "cross_entropy_loss", 1, n, c, ints(labels), buffer(logProbs), buffer(loss));
    }

    @Override
    public void crossEntropyBackward(Storage probs, Indices labels, Storage g, int n, int c, Storage dx) {
        launch("softmax", "cross_entropy_backward", (long) n * c, n, c, ints(labels), buffer(probs), buffer(g), buffer(dx));
    }

    @Override
    public void crossEntropyTangent(Storage probs, Indices labels, Storage t, int n, int c, Storage out) {
        launch("softmax", "cross_entropy_tangent", 1, n, c, ints(labels), buffer(probs), buffer(t), buffer(out));
    }

    // ---- convolution, pooling, batch norm ----------------------------------------------------------

    /** Images per unfolding: the column matrix [k, nc p] stays under 64 Mi floats. */
    private static int chunk(ConvGeometry g) {
        long perImage = (long) g.k() * g.p();
        return (int) Math.max(1, Math.min(g.n(), (64L << 20) / Math.max(1, perImage)));
    }

    private Object[] convArgs(ConvGeometry g, Object... tail) {
        Object[] head = {g.n(), g.c(), g.h(), g.w(), g.kh(), g.kw(), g.sh(), g.sw(), g.ph(), g.pw(), g.dh(), g.dw(), g.ho(), g.wo()};
        Object[] all = java.util.Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }

    private Object[] unfoldArgs(ConvGeometry g, int nc, int n0, int gi, Object... tail) {
        Object[] head = {nc, n0, g.c(), g.h(), g.w(), gi * g.cg(), g.cg(), g.kh(), g.kw(), g.sh(), g.sw(), g.ph(), g.pw(),
                g.dh(), g.dw(), g.ho(), g.wo()};
        Object[] all = java.util.Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }

    @Override
    public void conv2d(ConvGeometry g, Storage x, Storage w, Storage bias, Storage y) {
        if (g.depthwise()) {
            launch("conv", "depthwise_forward", y.length(), convArgs(g, buffer(x), buffer(w), buffer(y)));
        } else {
            int chunk = chunk(g), k = g.k(), p = g.p(), og = g.og();
            try (DeviceBuffer col = allocateWords((long) k * chunk * p); DeviceBuffer rows = allocateWords((long) og * chunk * p)) {
                for (int n0 = 0; n0 < g.n(); n0 += chunk) {
                    int nc = Math.min(chunk, g.n() - n0), ld = nc * p;
                    for (int gi = 0; gi < g.groups(); gi++) {
                        launch("conv", "unfold", (long) k * ld, unfoldArgs(g, nc, n0, gi, buffer(x), col));
                        gemmBuffers(false, false, og, ld, k, 1f, buffer(w).at((long) gi * og * k), k, col.at(0), ld, 0f, rows.at(0), ld);
                        launch("conv", "group_rows", (long) og * ld, 1, nc, n0, og, g.o(), gi * og, p, rows, buffer(y));
                    }
                }
                cuda.synchronize();  // col and rows are freed on return
            }
        }
        if (bias != null) launch("conv", "channel_bias_add", y.length(), g.n(), g.o(), g.p(), buffer(bias), buffer(y));
    }

    @Override
    public void conv2dBackward(ConvGeometry g, Storage gy, Storage x, Storage w, Storage gx, Storage gw, Storage gb) {
        if (gb != null) launch("conv", "channel_bias_grad", g.o(), g.n(), g.o(), g.p(), buffer(gy), buffer(gb));
        if (gx == null && gw == null) return;
        if (g.depthwise()) {
            if (gx != null) launch("conv", "depthwise_backward_input", gx.length(), convArgs(g, buffer(gy), buffer(w), buffer(gx)));
            if (gw != null) launch("conv", "depthwise_backward_weight", gw.length(), convArgs(g, buffer(gy), buffer(x), buffer(gw)));
            return;
        }
        int chunk = chunk(g), k = g.k(), p = g.p(), og = g.og();
        try (DeviceBuffer col = allocateWords((long) k * chunk * p); DeviceBuffer rows = allocateWords((long) og * chunk * p)) {
            for (int n0 = 0; n0 < g.n(); n0 += chunk) {
                int nc = Math.min(chunk, g.n() - n0), ld = nc * p;
                for (int gi = 0; gi < g.groups(); gi++) {
                    launch("conv", "group_rows", (long) og * ld, 0, nc, n0, og, g.o(), gi * og, p, rows, buffer(gy));
                    if (gw != null) { // dW_g += dY_g colᵀ
                        launch("conv", "unfold", (long) k * ld, unfoldArgs(g, nc, n0, gi, buffer(x), col));
                        gemmBuffers(false, true, og, k, ld, 1f, rows.at(0), ld, col.at(0), ld, 1f, buffer(gw).at((long) gi * og * k), k);
                    }
                    if (gx != null) { // dcol = W_gᵀ dY_g, folded back into dX
                        gemmBuffers(true, false, k, ld, og, 1f, buffer(w).at((long) gi * og * k), k, rows.at(0), ld, 0f, col.at(0), ld);
                        launch("conv", "fold_add", (long) nc * g.cg() * g.h() * g.w(), unfoldArgs(g, nc, n0, gi, col, buffer(gx)));
                    }
                }
            }
            cuda.synchronize();
        }
    }

    private void gemmBuffers(boolean ta, boolean tb, int m, int n, int k, float alpha, DeviceBuffer.View a, int lda,
                             DeviceBuffer.View b, int ldb, float beta, DeviceBuffer.View c, int ldc) {
        if (useCublas) {
            cublas().sgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
            return;
        }
        cuda.launch("gemm", "sgemm_v2", new int[] {(n + 63) / 64, (m + 63) / 64, 1}, new int[] {256, 1, 1},
                ta, tb, m, n, k, alpha, a, Math.max(lda, 1), b, Math.max(ldb, 1), beta, c, ldc);
    }

    private Object[] poolArgs(PoolGeometry g, boolean avg, Object... tail) {
        Object[] head = avg
                ? new Object[] {g.n(), g.c(), g.h(), g.w(), g.kh(), g.kw(), g.sh(), g.sw(), g.pt(), g.pl(), g.pb(), g.pr(),
                                g.dh(), g.dw(), g.ho(), g.wo(), g.countIncludePad()}
                : new Object[] {g.n(), g.c(), g.h(), g.w(), g.kh(), g.kw(), g.sh(), g.sw(), g.pt(), g.pl(), g.dh(), g.dw(),
                                g.ho(), g.wo()};
        Object[] all = java.util.Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }

    @Override
    public Indices maxPool2d(PoolGeometry g, Storage x, Storage y) {
        DeviceBuffer argmax = allocateWords(y.length());
        launch("conv", "pool_max", y.length(), poolArgs(g, false, buffer(x), buffer(y), argmax));
        // A window wholly in the padding leaves -1, which only a geometry the CPU refuses makes:
        // PoolGeometry.square() windows never do, and the general ones are checked on the host.
        if (!g.square() && !windowsTouchTheImage(g)) return null;
        return new CudaIndices(device, argmax, y.length());
    }

    /** True when every window of the geometry holds at least one pixel of the image. */
    private static boolean windowsTouchTheImage(PoolGeometry g) {
        return axisTouches(g.h(), g.kh(), g.sh(), g.pt(), g.dh(), g.ho()) && axisTouches(g.w(), g.kw(), g.sw(), g.pl(), g.dw(), g.wo());
    }

    private static boolean axisTouches(int size, int k, int s, int pBegin, int d, int out) {
        for (int o = 0; o < out; o++) {
            boolean any = false;
            for (int i = 0; i < k && !any; i++) {
                int at = o * s - pBegin + i * d;
                any = at >= 0 && at < size;
            }
            if (!any) return false;
        }
        return true;
    }

    @Override
    public void maxPool2dBackward(PoolGeometry g, Storage gy, Indices argmax, Storage gx) {
        launch("conv", "pool_max_backward", gx.length(), poolArgs(g, false, buffer(gy), ints(argmax), buffer(gx)));
    }

    @Override
    public void avgPool2d(PoolGeometry g, Storage x, Storage y) {
        launch("conv", "pool_avg", y.length(), poolArgs(g, true, buffer(x), buffer(y)));
    }

    @Override
    public void avgPool2dBackward(PoolGeometry g, Storage gy, Storage gx) {
        launch("conv", "pool_avg_backward", gx.length(), poolArgs(g, true, buffer(gy), buffer(gx)));
    }

    @Override
    public void batchNormStatistics(int n, int c, int inner, Storage x, float eps, Storage mean, Storage invStd) {
        cuda.launch("conv", "batchnorm_statistics", new int[] {c, 1, 1}, new int[] {256, 1, 1}, n, c, inner, eps, buffer(x),
                buffer(mean), buffer(invStd));
    }

    @Override
    public void batchNormRunningStatistics(Storage runningMean, Storage runningVar, float eps, Storage mean, Storage invStd) {
        launch("conv", "batchnorm_running_statistics", mean.length(), mean.length(), eps, buffer(runningMean), buffer(runningVar),
                buffer(mean), buffer(invStd));
    }

    @Override
    public void batchNorm(int n, int c, int inner, Storage x, Storage mean, Storage invStd, Storage gamma, Storage beta, Storage y) {
        launch("conv", "batchnorm_normalise", y.length(), n, c, inner, buffer(x), buffer(mean), buffer(invStd), buffer(gamma),
                buffer(beta), buffer(y));
    }

    /** Σ v and Σ v x̂ per channel, as doubles [c, 2], in a buffer the caller closes after use. */
    private DeviceBuffer batchNormSums(int n, int c, int inner, Storage x, Storage mean, Storage invStd, Storage v) {
        DeviceBuffer sums = allocateWords(4L * c);
        cuda.launch("conv", "batchnorm_sums", new int[] {c, 1, 1}, new int[] {256, 1, 1}, n, c, inner, buffer(x), buffer(mean),
                buffer(invStd), buffer(v), sums);
        return sums;
    }

    @Override
    public void batchNormDerivative(int n, int c, int inner, Storage x, Storage mean, Storage invStd, Storage gamma, Storage v,
                                    boolean training, Storage r) {
        try (DeviceBuffer sums = training ? batchNormSums(n, c, inner, x, mean, invStd, v) : allocateWords(2)) {
            launch("conv", "batchnorm_derivative", r.length(), n, c, inner, training, buffer(x), buffer(mean), buffer(invStd),
                    buffer(gamma), buffer(v), sums, buffer(r));
            cuda.synchronize();
        }
    }

    @Override
    public void batchNormParameterGradients(int n, int c, int inner, Storage x, Storage mean, Storage invStd, Storage gy,
                                            Storage dGamma, Storage dBeta) {
        try (DeviceBuffer sums = batchNormSums(n, c, inner, x, mean, invStd, gy)) {
            launch("conv", "batchnorm_parameter_gradients", c, c, sums, buffer(dGamma), buffer(dBeta));
            cuda.synchronize();
        }
    }

    @Override
    public void batchNormAffineTangent(int n, int c, int inner, Storage x, Storage mean, Storage invStd, Storage tGamma,
                                       Storage tBeta, Storage y) {
        launch("conv", "batchnorm_affine_tangent", y.length(), n, c, inner, buffer(x), buffer(mean), buffer(invStd),
                tGamma != null, tGamma != null ? buffer(tGamma) : buffer(mean), tBeta != null, tBeta != null ? buffer(tBeta) : buffer(mean),
                buffer(y));
    }

    @Override
    public void batchNormUpdateRunning(int count, float eps, float momentum, Storage mean, Storage invStd,
                                       Storage runningMean, Storage runningVar) {
        launch("conv", "batchnorm_update_running", mean.length(), mean.length(), count, eps, momentum, buffer(mean), buffer(invStd),
                buffer(runningMean), buffer(runningVar));
    }

    // ---- training and attribution ----------------------------------------------------------------

    @Override
    public void sgdStep(Storage w, Storage g, Storage velocity, float lr, float momentum, float weightDecay) {
        launch("optim", "sgd_step", w.length(), w.length(), buffer(w), buffer(g), buffer(velocity), lr, momentum, weightDecay);
    }

    @Override
    public void adamStep(Storage w, Storage g, Storage m, Storage v, float lr, float b1, float b2, float eps, float c1, float c2,
                         float weightDecay) {
        launch("optim", "adam_step", w.length(), w.length(), buffer(w), buffer(g), buffer(m), buffer(v), lr, b1, b2, eps, c1, c2,
                weightDecay);
    }

    @Override
    public void pathRows(Storage start, Storage base, float[] alpha, int e0, int ne, int u, Storage path, Storage tangent) {
        try (DeviceBuffer al = cuda.upload(alpha)) {
            launch("attribution", "path_rows", (long) alpha.length * ne * u, alpha.length, ne, u, e0, al, buffer(start), buffer(base),
                    buffer(path), tangent != null, tangent != null ? buffer(tangent) : buffer(path));
            cuda.synchronize();
        }
    }

    @Override
    public void pathWeightedSum(double[] w, int ne, int u, Storage g, Storage t, Storage acc, int accOff) {
        try (DeviceBuffer wb = allocateWords(2L * Math.max(1, w.length))) {
            wb.copyFrom(w);
            launch("attribution", "path_weighted_sum", (long) ne * u, w.length, ne, u, wb, buffer(g), t != null,
                    t != null ? buffer(t) : buffer(g), buffer(acc).at(accOff));
            cuda.synchronize();
        }
    }

    @Override
    public void pathDifferenceSum(int nk, int ne, int u, Storage g, Storage y, Storage acc, int accOff) {
        launch("attribution", "path_difference_sum", (long) ne * u, nk, ne, u, buffer(g), buffer(y), buffer(acc).at(accOff));
    }

    // ---- host arrays -----------------------------------------------------------------------------

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
        if (cublas != null) cublas.close();
        if (ownsCuda) cuda.close();
    }
}
