package dev.galvani.kernels.cuda;

import static dev.galvani.kernels.cuda.GpuTests.assertClose;
import static dev.galvani.kernels.cuda.GpuTests.randn;

import dev.galvani.kernels.CpuBackend;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link CudaBackend#sgemm} against the reference {@link CpuBackend}; skipped without a GPU. */
class CudaBackendTest {
    private static Cuda cuda;
    private static CudaBackend gpu;

    @BeforeAll
    static void open() {
        cuda = GpuTests.openIfAvailable();
        gpu = cuda == null ? null : new CudaBackend(cuda);
    }

    @BeforeEach
    void gpu() {
        GpuTests.requireGpu();
    }

    @AfterAll
    static void close() {
        if (gpu != null) gpu.close();
        if (cuda != null) cuda.close();
    }

    @Test
    void sgemmMatchesCpuWithOffsetsPaddingAndTransposes() {
        Random rng = new Random(7);
        // Sizes grow and shrink, so the device buffers are reused and regrown between calls.
        int[][] sizes = {{1, 1, 1}, {67, 45, 131}, {3, 200, 5}, {130, 129, 3}, {17, 1, 64}, {5, 7, 0}};
        for (int[] s : sizes) {
            int m = s[0], n = s[1], k = s[2];
            for (int t = 0; t < 4; t++) {
                boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
                int lda = (ta ? m : k) + 2, ldb = (tb ? k : n) + 1, ldc = n + 3;
                int aOff = 5, bOff = 3, cOff = 4;
                float[] a = randn(rng, aOff + (ta ? k : m) * lda);
                float[] b = randn(rng, bOff + (tb ? n : k) * ldb);
                float[] c = randn(rng, cOff + m * ldc + 2);
                for (float beta : new float[] {0f, -0.5f}) {
                    float[] want = c.clone(), got = c.clone();
                    if (beta == 0f) {  // beta = 0 must ignore C, NaN included, but keep the gaps
                        for (int i = 0; i < m; i++) Arrays.fill(want, cOff + i * ldc, cOff + i * ldc + n, Float.NaN);
                        got = want.clone();
                    }
                    CpuBackend.INSTANCE.sgemm(ta, tb, m, n, k, 1.3f, a, aOff, lda, b, bOff, ldb, beta, want, cOff, ldc);
                    gpu.sgemm(ta, tb, m, n, k, 1.3f, a, aOff, lda, b, bOff, ldb, beta, got, cOff, ldc);
                    assertClose("sgemm " + m + "x" + n + "x" + k + " transA=" + ta + " transB=" + tb + " beta=" + beta,
                            want, got, 1e-4);
                }
            }
        }
    }
}
