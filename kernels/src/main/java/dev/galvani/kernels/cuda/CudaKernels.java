package dev.galvani.kernels.cuda;

/**
 * Typed launchers for the kernels in {@code kernels/src/main/cuda/*.cu}, on device buffers. Each
 * method states its CPU reference semantics in the .cu file; here it checks sizes (a kernel
 * cannot) and picks the launch configuration. Launches are asynchronous: a copy back to the host
 * waits for them.
 */
public final class CudaKernels {

    /** Op codes of {@code binary_forward}; the ordinals are the codes in elementwise.cu. */
    public enum BinaryOp { ADD, SUB, MUL, DIV, MAX, MIN, POW }

    /** Op codes of {@code unary_forward}; the ordinals are the codes in elementwise.cu (and of dev.galvani.kernels.UnaryOp). */
    public enum UnaryOp { RELU, RELU6, SIGMOID, TANH, EXP, LOG, NEG, SQRT, POW, CLIP }

    /** The default GEMM kernel version (register-blocked); 1 is the plain tiled kernel. */
    public static final int SGEMM_VERSION = 2;

    private static final int THREADS = 256;
    private static final int MAX_BLOCKS = 65535;  // grid-stride loops cover the rest
    private static final int MAX_RANK = 8;

    private final Cuda cuda;

    public CudaKernels(Cuda cuda) {
        this.cuda = cuda;
    }

    public Cuda cuda() {
        return cuda;
    }

    /**
     * {@code C = alpha * op(A) op(B) + beta * C}, row-major, as {@code Gemm.naive}; {@code version}
     * 1 or 2 (gemm.cu). Leading dimensions as in BLAS: A is [m, lda] or, with transA, [k, lda].
     */
    public void sgemm(int version, boolean transA, boolean transB, int m, int n, int k, float alpha,
                      DeviceBuffer a, int lda, DeviceBuffer b, int ldb, float beta, DeviceBuffer c, int ldc) {
        if (m == 0 || n == 0) return;
        int aRows = transA ? k : m, aCols = transA ? m : k;
        int bRows = transB ? n : k, bCols = transB ? k : n;
        requireMatrix("A", a, aRows, aCols, lda);
        requireMatrix("B", b, bRows, bCols, ldb);
        requireMatrix("C", c, m, n, ldc);
        Object[] args = {transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc};
        switch (version) {
            case 1 -> cuda.launch("gemm", "sgemm_v1", dims(ceilDiv(n, 16), ceilDiv(m, 16), 1), dims(16, 16, 1), args);
            case 2 -> cuda.launch("gemm", "sgemm_v2", dims(ceilDiv(n, 64), ceilDiv(m, 64), 1), dims(256, 1, 1), args);
            default -> throw new IllegalArgumentException("no sgemm kernel version " + version);
        }
    }

    /**
     * {@code out = a op b} with NumPy broadcasting of {@code aShape} and {@code bShape} (aligned at
     * the last dimension); out has the broadcast shape, returned.
     */
    public int[] binary(BinaryOp op, int[] aShape, DeviceBuffer a, int[] bShape, DeviceBuffer b, DeviceBuffer out) {
        int rank = Math.max(aShape.length, bShape.length);
        if (rank > MAX_RANK) throw new IllegalArgumentException("rank " + rank + " exceeds " + MAX_RANK);
        int[] shape = new int[rank];
        int[] dims = new int[3 * Math.max(rank, 1)];
        long aStride = 1, bStride = 1;
        for (int d = rank - 1; d >= 0; d--) {
            int da = d - (rank - aShape.length), db = d - (rank - bShape.length);
            int sa = da >= 0 ? aShape[da] : 1, sb = db >= 0 ? bShape[db] : 1;
            if (sa != sb && sa != 1 && sb != 1) {
                throw new IllegalArgumentException("shapes " + java.util.Arrays.toString(aShape) + " and "
                        + java.util.Arrays.toString(bShape) + " do not broadcast (dimension " + d + ": " + sa + " vs " + sb + ")");
            }
            shape[d] = Math.max(sa, sb);
            dims[d] = shape[d];
            dims[rank + d] = sa == 1 ? 0 : (int) aStride;  // stride 0 repeats the one element
            dims[2 * rank + d] = sb == 1 ? 0 : (int) bStride;
            aStride *= sa;
            bStride *= sb;
        }
        long size = 1;
        for (int s : shape) size *= s;
        requireLength("a", a, aStride);
        requireLength("b", b, bStride);
        requireLength("out", out, size);
        if (size == 0) return shape;
        if (rank == 0) dims = new int[] {1, 0, 0};
        try (DeviceBuffer dimsOnDevice = cuda.upload(dims)) {
            cuda.launch("elementwise", "binary_forward", grid1d(size), dims(THREADS, 1, 1),
                    op.ordinal(), (int) size, Math.max(rank, 1), dimsOnDevice, a, b, out);
            cuda.synchronize();  // dimsOnDevice is freed on return
        }
        return shape;
    }

    /** {@code y[i] = f(x[i])}, i < n (elementwise.cu). y may be x. */
    public void unary(UnaryOp op, int n, DeviceBuffer x, DeviceBuffer y) {
        requireLength("x", x, n);
        requireLength("y", y, n);
        if (n > 0) cuda.launch("elementwise", "unary_forward", grid1d(n), dims(THREADS, 1, 1), op.ordinal(), 0f, 0f, n, x, y);
    }

    /** Row-wise softmax of x [rows, cols] into y (softmax.cu). */
    public void softmax(int rows, int cols, DeviceBuffer x, DeviceBuffer y) {
        rowwise("softmax_forward", rows, cols, x, y);
    }

    /** Row-wise log-softmax of x [rows, cols] into y (softmax.cu). */
    public void logSoftmax(int rows, int cols, DeviceBuffer x, DeviceBuffer y) {
        rowwise("log_softmax_forward", rows, cols, x, y);
    }

    /** {@code y[o, i] = scale * sum_a x[o, a, i]} for x [outer, len, inner] (reduce.cu). */
    public void sumAxis(int outer, int len, int inner, float scale, DeviceBuffer x, DeviceBuffer y) {
        requireLength("x", x, (long) outer * len * inner);
        requireLength("y", y, (long) outer * inner);
        long n = (long) outer * inner;
        if (n > 0) cuda.launch("reduce", "sum_axis", grid1d(n), dims(THREADS, 1, 1), outer, len, inner, scale, x, y);
    }

    /** x [n, c, h, w] to col [n, c kh kw, oh ow], zeros in the padding (conv.cu). */
    public void im2col(Window2d g, DeviceBuffer x, DeviceBuffer col) {
        requireLength("x", x, g.inputSize());
        requireLength("col", col, g.colSize());
        cuda.launch("conv", "im2col", grid1d(g.colSize()), dims(THREADS, 1, 1), g.kernelArgs(x, col));
    }

    /** The adjoint of {@link #im2col}: sums col back into x (overwritten). */
    public void col2im(Window2d g, DeviceBuffer col, DeviceBuffer x) {
        requireLength("col", col, g.colSize());
        requireLength("x", x, g.inputSize());
        cuda.launch("conv", "col2im", grid1d(g.inputSize()), dims(THREADS, 1, 1), g.kernelArgs(col, x));
    }

    /** Max pooling; argmax (ints, n c oh ow) records h w + w of each window's maximum. */
    public void maxPool2d(Window2d g, DeviceBuffer x, DeviceBuffer y, DeviceBuffer argmax) {
        requireLength("x", x, g.inputSize());
        requireLength("y", y, g.outputSize());
        requireLength("argmax", argmax, g.outputSize());
        cuda.launch("conv", "maxpool2d_forward", grid1d(g.outputSize()), dims(THREADS, 1, 1), g.kernelArgs(x, y, argmax));
    }

    /** Gradient of max pooling: gx (overwritten) from gy and the forward's argmax. */
    public void maxPool2dBackward(Window2d g, DeviceBuffer gy, DeviceBuffer argmax, DeviceBuffer gx) {
        requireLength("gy", gy, g.outputSize());
        requireLength("argmax", argmax, g.outputSize());
        requireLength("gx", gx, g.inputSize());
        cuda.launch("conv", "maxpool2d_backward", grid1d(g.inputSize()), dims(THREADS, 1, 1), g.kernelArgs(gy, argmax, gx));
    }

    /** Average pooling, padding counted as zeros (divisor kh kw). */
    public void avgPool2d(Window2d g, DeviceBuffer x, DeviceBuffer y) {
        requireLength("x", x, g.inputSize());
        requireLength("y", y, g.outputSize());
        cuda.launch("conv", "avgpool2d_forward", grid1d(g.outputSize()), dims(THREADS, 1, 1), g.kernelArgs(x, y));
    }

    /** Gradient of average pooling: gx (overwritten) from gy. */
    public void avgPool2dBackward(Window2d g, DeviceBuffer gy, DeviceBuffer gx) {
        requireLength("gy", gy, g.outputSize());
        requireLength("gx", gx, g.inputSize());
        cuda.launch("conv", "avgpool2d_backward", grid1d(g.inputSize()), dims(THREADS, 1, 1), g.kernelArgs(gy, gx));
    }

    /** Inference batch norm of x [n, c, inner] with per-channel statistics and affine parameters. */
    public void batchNorm(int n, int c, int inner, DeviceBuffer x, DeviceBuffer mean, DeviceBuffer var,
                          DeviceBuffer gamma, DeviceBuffer beta, float eps, DeviceBuffer y) {
        long size = (long) n * c * inner;
        requireLength("x", x, size);
        requireLength("y", y, size);
        for (DeviceBuffer p : new DeviceBuffer[] {mean, var, gamma, beta}) requireLength("channel parameter", p, c);
        if (size > 0) {
            cuda.launch("conv", "batchnorm_forward", grid1d(size), dims(THREADS, 1, 1),
                    n, c, inner, x, mean, var, gamma, beta, eps, y);
        }
    }

    /**
     * {@code out[t, :] = table[indices[t], :]} for table [vocab, dim]; the host-side indices are
     * checked against vocab here, then uploaded, since a kernel cannot report a bad index.
     */
    public void embedding(int[] indices, int vocab, int dim, DeviceBuffer table, DeviceBuffer out) {
        for (int t = 0; t < indices.length; t++) {
            if (indices[t] < 0 || indices[t] >= vocab) {
                throw new IndexOutOfBoundsException("embedding index " + indices[t] + " at position " + t
                        + " is outside the vocabulary of " + vocab);
            }
        }
        requireLength("table", table, (long) vocab * dim);
        requireLength("out", out, (long) indices.length * dim);
        if (indices.length == 0 || dim == 0) return;
        try (DeviceBuffer idx = cuda.upload(indices)) {
            cuda.launch("embedding", "embedding_forward", grid1d((long) indices.length * dim), dims(THREADS, 1, 1),
                    indices.length, dim, idx, table, out);
            cuda.synchronize();
        }
    }

    /**
     * The straight-line path {@code out[k] = x' + alphas[k] (x - x')} for all steps at once
     * (docs/methods.md §1.1): x [n], baseline [baselineLen] repeating over x (baselineLen divides
     * n), alphas [steps], out [steps, n].
     */
    public void interpolatePath(int steps, int n, int baselineLen, DeviceBuffer alphas, DeviceBuffer x,
                                DeviceBuffer baseline, DeviceBuffer out) {
        if (baselineLen < 1 || n % baselineLen != 0) {
            throw new IllegalArgumentException("baseline length " + baselineLen + " does not divide input size " + n);
        }
        requireLength("alphas", alphas, steps);
        requireLength("x", x, n);
        requireLength("baseline", baseline, baselineLen);
        requireLength("out", out, (long) steps * n);
        long total = (long) steps * n;
        if (total > 0) {
            cuda.launch("attribution", "path_interpolate", grid1d(total), dims(THREADS, 1, 1),
                    steps, n, baselineLen, alphas, x, baseline, out);
        }
    }

    /**
     * Captum-style conductance reduction (docs/methods.md §1.3):
     * {@code out[i] = sum_{k < nodes-1} g[k, i] (y[k+1, i] - y[k, i])}, g and y [nodes, n].
     */
    public void conductanceSum(int nodes, int n, DeviceBuffer g, DeviceBuffer y, DeviceBuffer out) {
        requireLength("g", g, (long) nodes * n);
        requireLength("y", y, (long) nodes * n);
        requireLength("out", out, n);
        if (n > 0) cuda.launch("attribution", "conductance_sum", grid1d(n), dims(THREADS, 1, 1), nodes, n, g, y, out);
    }

    private void rowwise(String kernel, int rows, int cols, DeviceBuffer x, DeviceBuffer y) {
        requireLength("x", x, (long) rows * cols);
        requireLength("y", y, (long) rows * cols);
        // One block of 256 threads (softmax.cu's SOFTMAX_THREADS) per row.
        if (rows > 0 && cols > 0) cuda.launch("softmax", kernel, dims(rows, 1, 1), dims(256, 1, 1), rows, cols, x, y);
    }

    private static int[] grid1d(long n) {
        return dims((int) Math.min(MAX_BLOCKS, Math.max(1, (n + THREADS - 1) / THREADS)), 1, 1);
    }

    private static int[] dims(int x, int y, int z) {
        return new int[] {x, y, z};
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    private static void requireLength(String name, DeviceBuffer b, long needed) {
        if (b.length() < needed) {
            throw new IllegalArgumentException(name + ": device buffer of " + b.length() + " words, needs " + needed);
        }
        if (needed > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + ": " + needed + " elements exceed the kernels' int indexing");
        }
    }

    /** Words a row-major [rows, cols] matrix with leading dimension ld spans. */
    static long span(int rows, int cols, int ld) {
        return rows == 0 || cols == 0 ? 0 : (long) (rows - 1) * ld + cols;
    }

    private static void requireMatrix(String name, DeviceBuffer b, int rows, int cols, int ld) {
        if (ld < Math.max(1, cols)) throw new IllegalArgumentException(name + ": leading dimension " + ld + " < " + cols + " columns");
        requireLength(name, b, span(rows, cols, ld));
    }
}
