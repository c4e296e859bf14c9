package dev.galvani.kernels;

/**
 * Which backend the engine's ops run on. The CPU backend is the default and the reference; another
 * backend is installed with {@link #use} (the CUDA backend, when a GPU and its driver load).
 */
public final class Backends {
    private static volatile Backend current = CpuBackend.INSTANCE;

    private Backends() {}

    public static Backend current() {
        return current;
    }

    public static void use(Backend backend) {
        current = backend;
    }
}
