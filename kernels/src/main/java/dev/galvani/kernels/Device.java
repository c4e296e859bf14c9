package dev.galvani.kernels;

/**
 * Where a tensor's values live, and the {@link Backend} that computes on them. The host
 * ({@link #CPU}) is the default and the reference; a device's values reach the host only through
 * an explicit copy ({@code Tensor.toHost()}, {@code Tensor.to(Device)}).
 */
public final class Device {
    /** Host memory: {@code float[]} arrays that {@code Tensor.data()} hands out as they are. */
    public static final Device CPU = new Device("cpu", CpuBackend.INSTANCE);

    private final String name;
    private final Backend backend;

    public Device(String name, Backend backend) {
        this.name = name;
        this.backend = backend;
    }

    /** A short name for messages: {@code cpu}, {@code cuda:0}, {@code simulated}. */
    public String name() {
        return name;
    }

    public Backend backend() {
        return backend;
    }

    /** True for host memory, whose storages are plain arrays. */
    public boolean isHost() {
        return this == CPU;
    }

    @Override
    public String toString() {
        return name;
    }
}
