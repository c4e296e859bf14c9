package dev.galvani.kernels.cuda;

import jcuda.Pointer;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;
import jcuda.jcublas.cublasOperation;

/**
 * cuBLAS through JCublas: the reference and the speed peer of Galvani's GEMM kernels on the same
 * context (its handle issues on the default stream, so it is ordered with the kernels). Row-major
 * {@code C = op(A) op(B)} is column-major {@code Cᵀ = op(B)ᵀ op(A)ᵀ}: the operands swap and keep
 * their transposition flags. JCublas 12 needs CUDA 12's {@code libcublas.so.12} at run time; where
 * it does not load, {@link #open} says so in one line.
 */
public final class Cublas implements AutoCloseable {
    private final Cuda cuda;
    private final cublasHandle handle = new cublasHandle();
    private boolean closed;

    private Cublas(Cuda cuda) {
        this.cuda = cuda;
        synchronized (cuda) {
            cuda.makeCurrent();
            JCublas2.setExceptionsEnabled(true);
            JCublas2.cublasCreate(handle);
        }
    }

    /** A cuBLAS handle on {@code cuda}'s context; throws {@link IllegalStateException} with the reason when cuBLAS cannot load. */
    public static Cublas open(Cuda cuda) {
        try {
            return new Cublas(cuda);
        } catch (LinkageError | RuntimeException e) {
            throw new IllegalStateException("cuBLAS is not available: " + Cuda.firstLine(e), e);
        }
    }

    /** Row-major {@code C = alpha op(A) op(B) + beta C} (as {@code Gemm.sgemm}), on device pointers. */
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, DeviceBuffer.View a, int lda,
                      DeviceBuffer.View b, int ldb, float beta, DeviceBuffer.View c, int ldc) {
        if (m == 0 || n == 0) return;
        synchronized (cuda) {
            if (closed) throw new IllegalStateException("cuBLAS handle is closed");
            cuda.makeCurrent();
            JCublas2.cublasSgemm(handle,
                    transB ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N,
                    transA ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N,
                    n, m, k, Pointer.to(new float[] {alpha}),
                    pointer(b), Math.max(ldb, 1), pointer(a), Math.max(lda, 1),
                    Pointer.to(new float[] {beta}), pointer(c), Math.max(ldc, 1));
        }
    }

    private static Pointer pointer(DeviceBuffer.View v) {
        return v.buffer().pointer().withByteOffset(v.words() * Float.BYTES);
    }

    @Override
    public void close() {
        synchronized (cuda) {
            if (closed) return;
            closed = true;
            cuda.makeCurrent();
            JCublas2.cublasDestroy(handle);
        }
    }
}
