package dev.galvani.kernels;

import java.util.ArrayList;
import java.util.List;

/**
 * Single-precision GEMM entry point: {@code C = alpha * op(A) op(B) + beta * C}, row-major, where
 * op(X) is X or its transpose; A is m x k after op, B is k x n, C is m x n, each at an offset with
 * its own leading dimension (the row stride of the stored, untransposed array).
 *
 * <p>Dispatches to the Vector API kernel ({@link GemmVector}) when {@code jdk.incubator.vector}
 * is in the boot layer and its first use succeeds, else to the plain-Java kernel
 * ({@link GemmPlain}); {@code -Dgalvani.gemm=plain} forces the latter. Problems of at least
 * 2 {@link #PARALLEL_FLOPS} multiply-adds are split into row (or column) bands of C, one per
 * thread of {@link Parallel}'s pool, the calling thread taking the first band; smaller ones (most
 * GEMMs in training a small model), and any GEMM inside a parallel job, stay on the calling thread. Both kernels are checked
 * against {@link #naive} in tests.
 */
public final class Gemm {

    /**
     * Multiply-adds (m n k) per thread below which splitting does not pay: about 128^3, some 50 us
     * of work, against ~10-50 us to hand a band to a pool thread and wait for it. A GEMM gets
     * min(threads, m n k / PARALLEL_FLOPS) bands, so the first split comes at about 160^3.
     */
    static final long PARALLEL_FLOPS = 1L << 21;

    /** The one line printed when the Vector API module is not in the boot layer. */
    static final String VECTOR_ABSENT = "galvani: the Vector API module is absent, so GEMM and pooling run on the plain-Java "
            + "kernels (tens of times slower); start java with --add-modules jdk.incubator.vector";

    private static final boolean VECTOR = vectorUsable();

    private Gemm() {}

    /** Which kernel {@link #sgemm} runs, for benchmark reports: "vector-api(512-bit)" or "plain-java". */
    public static String implementation() {
        return VECTOR ? "vector-api(" + GemmVector.bitSize() + "-bit)" : "plain-java";
    }

    /** True when the Vector API kernels run (the incubator module is present and works). */
    static boolean vectorApi() {
        return VECTOR;
    }

    /** How many threads a large GEMM is split across. */
    public static int threads() {
        return Parallel.threads();
    }

    public static void sgemm(boolean transA, boolean transB, int m, int n, int k,
                             float alpha, float[] a, int aOff, int lda,
                             float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        if (m <= 0 || n <= 0) return;
        if (k <= 0 || alpha == 0f) { // C = beta * C; C is not read when beta is 0
            for (int i = 0; i < m; i++) {
                for (int j = 0, ci = cOff + i * ldc; j < n; j++) c[ci + j] = beta == 0f ? 0f : beta * c[ci + j];
            }
            return;
        }
        long work = (long) m * n * k;
        int bands = (int) Math.min(Parallel.available(), Math.max(1, work / PARALLEL_FLOPS));
        // Columns first: each band packs only its own columns of B and reads A in place, so
        // nothing is copied twice; row bands would each pack all of B.
        boolean wide = n >= 2 * 32 && (n >= m || (!transA && n >= bands * 2 * 32));
        if (bands > 1 && wide) {
            splitColumns(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, bands);
        } else if (bands > 1 && m >= 2 * 16) {
            splitRows(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, bands);
        } else if (bands > 1 && n >= 2 * 32) {
            splitColumns(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, bands);
        } else {
            kernel(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        }
    }

    /** The single-threaded kernel in use. */
    private static void kernel(boolean transA, boolean transB, int m, int n, int k,
                               float alpha, float[] a, int aOff, int lda,
                               float[] b, int bOff, int ldb,
                               float beta, float[] c, int cOff, int ldc) {
        if (VECTOR) {
            GemmVector.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        } else {
            GemmPlain.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        }
    }

    /** Bands of rows of C: band t uses rows [i0, i1) of op(A) and all of op(B). */
    private static void splitRows(boolean transA, boolean transB, int m, int n, int k,
                                  float alpha, float[] a, int aOff, int lda,
                                  float[] b, int bOff, int ldb,
                                  float beta, float[] c, int cOff, int ldc, int bands) {
        int step = (m + bands - 1) / bands;
        step = (step + 5) / 6 * 6; // whole micro-tiles of 6 rows
        List<Runnable> jobs = new ArrayList<>();
        for (int i0 = 0; i0 < m; i0 += step) {
            int rows = Math.min(step, m - i0);
            int aBand = aOff + (transA ? i0 : i0 * lda);
            int cBand = cOff + i0 * ldc;
            jobs.add(() -> kernel(transA, transB, rows, n, k, alpha, a, aBand, lda, b, bOff, ldb, beta, c, cBand, ldc));
        }
        Parallel.run(jobs);
    }

    /** Bands of columns of C: band t uses columns [j0, j1) of op(B) and all of op(A). */
    private static void splitColumns(boolean transA, boolean transB, int m, int n, int k,
                                     float alpha, float[] a, int aOff, int lda,
                                     float[] b, int bOff, int ldb,
                                     float beta, float[] c, int cOff, int ldc, int bands) {
        int step = (n + bands - 1) / bands;
        step = (step + 31) / 32 * 32; // whole micro-panels of 2 vectors (up to 512-bit)
        List<Runnable> jobs = new ArrayList<>();
        for (int j0 = 0; j0 < n; j0 += step) {
            int cols = Math.min(step, n - j0);
            int bBand = bOff + (transB ? j0 * ldb : j0);
            int cBand = cOff + j0;
            jobs.add(() -> kernel(transA, transB, m, cols, k, alpha, a, aOff, lda, b, bBand, ldb, beta, c, cBand, ldc));
        }
        Parallel.run(jobs);
    }

    /**
     * True when the Vector API kernel can run: the incubator module is in the boot layer (else
     * {@link GemmVector} is never loaded) and a first 7 x 9 x 5 product through it matches the
     * plain kernel. Any linkage error on the way means plain Java. Without the module (a jar run
     * without the flag) it says so once on stderr, naming the flag: silently running about 40x
     * slower would look like a slow library.
     */
    private static boolean vectorUsable() {
        if ("plain".equals(System.getProperty("galvani.gemm"))) return false;
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            System.err.println(VECTOR_ABSENT);
            return false;
        }
        try {
            int m = 7, n = 9, k = 5;
            float[] a = new float[m * k], b = new float[k * n], c1 = new float[m * n], c2 = new float[m * n];
            for (int i = 0; i < a.length; i++) a[i] = (i % 5) - 2;
            for (int i = 0; i < b.length; i++) b[i] = (i % 3) - 1;
            GemmVector.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c1, 0, n);
            GemmPlain.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c2, 0, n);
            return java.util.Arrays.equals(c1, c2); // small integers: exact in float either way
        } catch (LinkageError | RuntimeException e) {
            return false;
        }
    }

    /**
     * The machine's single-precision peak in GFLOP/s, as the kernels see it: an FMA loop with 12
     * independent accumulators ({@link GemmVector#fmaLoop}, or {@link Math#fma} on floats without
     * the Vector API) on every thread of {@link Parallel} at once, for about {@code seconds}; the
     * best of five timed runs after a warm-up. Measured in the same run as a GEMM it gives the
     * fraction of the peak that GEMM reaches.
     */
    public static double peakGflops(double seconds) {
        int threads = Parallel.threads();
        long iters = 1 << 16;
        double flopsPerIter = 2.0 * 12 * (VECTOR ? GemmVector.L : 1);
        double best = 0;
        for (int run = -3; run < 5; run++) { // runs < 0 warm up (JIT) and find the count for ~seconds / 5
            long n = iters;
            List<Runnable> jobs = new ArrayList<>();
            float[] sink = new float[threads];
            for (int t = 0; t < threads; t++) {
                int id = t;
                jobs.add(() -> sink[id] = VECTOR ? GemmVector.fmaLoop(n, id) : scalarFmaLoop(n, id));
            }
            long t0 = System.nanoTime();
            Parallel.run(jobs);
            double s = (System.nanoTime() - t0) * 1e-9;
            if (run < 0) iters = Math.max(1, (long) (iters * (seconds / 5) / Math.max(s, 1e-6)));
            else best = Math.max(best, threads * n * flopsPerIter / s * 1e-9);
            if (Float.isNaN(sink[0])) throw new IllegalStateException("FMA loop diverged");
        }
        return best;
    }

    private static float scalarFmaLoop(long iters, float seed) {
        float a = 0.999f, b = 1e-3f, c0 = seed, c1 = seed + 1, c2 = seed + 2, c3 = seed + 3, c4 = seed + 4, c5 = seed + 5;
        float c6 = seed + 6, c7 = seed + 7, c8 = seed + 8, c9 = seed + 9, c10 = seed + 10, c11 = seed + 11;
        for (long i = 0; i < iters; i++) {
            c0 = Math.fma(c0, a, b); c1 = Math.fma(c1, a, b); c2 = Math.fma(c2, a, b); c3 = Math.fma(c3, a, b);
            c4 = Math.fma(c4, a, b); c5 = Math.fma(c5, a, b); c6 = Math.fma(c6, a, b); c7 = Math.fma(c7, a, b);
            c8 = Math.fma(c8, a, b); c9 = Math.fma(c9, a, b); c10 = Math.fma(c10, a, b); c11 = Math.fma(c11, a, b);
        }
        return c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11;
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
