package dev.galvani.kernels;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.*;

class ParallelTest {

    @Test void resultsComeBackInJobOrder() {
        List<Supplier<Integer>> jobs = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            int v = i;
            jobs.add(() -> v * v);
        }
        assertEquals(List.of(0, 1, 4, 9, 16, 25, 36, 49, 64), Parallel.map(jobs));
        assertEquals(List.of(), Parallel.map(List.<Supplier<Integer>>of()));
    }

    @Test void jobsAreWorkersAndDoNotSplitAgain() {
        assertFalse(Parallel.inWorker(), "the test thread is not a worker");
        List<Supplier<Integer>> jobs = List.of(Parallel::available, Parallel::available);
        assertEquals(List.of(1, 1), Parallel.map(jobs));
        assertFalse(Parallel.inWorker(), "the worker mark is restored on the calling thread");
        assertEquals(Parallel.threads(), Parallel.available());
    }

    @Test void aJobsFailureReachesTheCaller() {
        List<Supplier<Integer>> jobs = List.of(() -> 1, () -> { throw new IllegalArgumentException("job 1 failed"); });
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Parallel.map(jobs));
        assertEquals("job 1 failed", e.getMessage());
    }

    /** A GEMM inside a parallel job runs on its own thread and gives the same numbers as outside. */
    @Test void gemmInsideJobsMatchesGemmOutside() {
        int n = 300; // large enough that outside a job it is split into bands
        float[] a = new float[n * n], b = new float[n * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = (i * 37 % 101) / 50f - 1f;
            b[i] = (i * 53 % 97) / 48f - 1f;
        }
        float[] outside = new float[n * n];
        Gemm.sgemm(false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, outside, 0, n);
        List<Supplier<float[]>> jobs = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            jobs.add(() -> {
                float[] c = new float[n * n];
                Gemm.sgemm(false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n);
                return c;
            });
        }
        for (float[] c : Parallel.map(jobs)) assertArrayEquals(outside, c);
    }
}
