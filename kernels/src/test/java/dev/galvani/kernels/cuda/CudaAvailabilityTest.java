package dev.galvani.kernels.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Cuda#availability()} answers without throwing, on machines with and without a GPU. */
class CudaAvailabilityTest {

    /** Where the NVIDIA driver installs libcuda.so.1 on Linux distributions and in containers. */
    private static boolean driverInstalled() {
        for (String dir : List.of("/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib", "/lib/x86_64-linux-gnu",
                "/usr/local/nvidia/lib64", "/usr/lib/wsl/lib")) {
            if (Files.exists(Path.of(dir, "libcuda.so.1"))) return true;
        }
        return false;
    }

    @Test
    void answersWithOneLineReasonAndCachesIt() {
        Cuda.Availability a = Cuda.availability();
        assertFalse(a.reason().isBlank(), "empty reason");
        assertFalse(a.reason().contains("\n"), "reason is not one line: " + a.reason());
        assertSame(a, Cuda.availability(), "probed once");
    }

    @Test
    void withoutDriverSaysSoAndOpenFailsWithTheReason() {
        assumeFalse(driverInstalled(), "a CUDA driver is installed here");
        Cuda.Availability a = Cuda.availability();
        assertFalse(a.available());
        assertEquals("no CUDA driver (libcuda.so not found)", a.reason());
        IllegalStateException e = assertThrows(IllegalStateException.class, Cuda::open);
        assertTrue(e.getMessage().endsWith(a.reason()), e.getMessage());
        assertThrows(IllegalStateException.class, CudaBackend::open);
    }

    @Test
    void withoutJCudaOnTheClasspathSaysSo() throws Exception {
        // A class loader that sees this module's classes but not the JCuda jar.
        URL classes = Cuda.class.getProtectionDomain().getCodeSource().getLocation();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes}, ClassLoader.getPlatformClassLoader())) {
            Class<?> cuda = loader.loadClass(Cuda.class.getName());
            assertTrue(cuda != Cuda.class);
            Object a = cuda.getMethod("availability").invoke(null);
            assertEquals(false, a.getClass().getMethod("available").invoke(a));
            assertEquals("JCuda is not on the classpath (org.jcuda:jcuda)", a.getClass().getMethod("reason").invoke(a));
        }
    }
}
