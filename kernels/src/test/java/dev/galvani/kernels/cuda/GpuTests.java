package dev.galvani.kernels.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;

/** Shared by the GPU test classes: opening the device or skipping, random data, comparisons. */
final class GpuTests {
    private GpuTests() {}

    /** Device 0 for a test class's {@code @BeforeAll}, or null when CUDA is unavailable. */
    static Cuda openIfAvailable() {
        return Cuda.availability().available() ? Cuda.open() : null;
    }

    /**
     * For {@code @BeforeEach}: skips the test with the availability reason when there is no GPU
     * (as in CI), so each skipped test shows why. With {@code -Dgalvani.requireGpu=true}
     * (scripts/gpu-check.sh) a missing GPU fails instead.
     */
    static void requireGpu() {
        Cuda.Availability a = Cuda.availability();
        if (Boolean.getBoolean("galvani.requireGpu")) {
            assertTrue(a.available(), "GPU required: " + a.reason());
        } else {
            assumeTrue(a.available(), "no GPU: " + a.reason());
        }
    }

    static float[] randn(Random rng, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) rng.nextGaussian();
        return x;
    }

    /** |got - want| <= tol (1 + |want|) everywhere; NaN fails. */
    static void assertClose(String what, double[] want, float[] got, double tol) {
        if (want.length != got.length) fail(what + ": length " + got.length + ", expected " + want.length);
        for (int i = 0; i < want.length; i++) {
            double err = Math.abs(got[i] - want[i]);
            if (!(err <= tol * (1 + Math.abs(want[i])))) {
                fail(what + ": element " + i + " is " + got[i] + ", expected " + want[i]);
            }
        }
    }

    static void assertClose(String what, float[] want, float[] got, double tol) {
        double[] w = new double[want.length];
        for (int i = 0; i < w.length; i++) w[i] = want[i];
        assertClose(what, w, got, tol);
    }
}
