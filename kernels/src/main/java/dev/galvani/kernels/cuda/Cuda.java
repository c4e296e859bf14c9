package dev.galvani.kernels.cuda;

/**
 * The CUDA driver on device 0: its primary context, the kernel modules (PTX shipped as classpath
 * resources next to this class, built by {@code scripts/gen-ptx.sh} from
 * {@code kernels/src/main/cuda}) and kernel launches. Only this package imports JCuda; everything
 * else asks {@link #availability()} first ({@code --device auto|cpu|cuda}).
 *
 * <p>This class itself touches JCuda only through {@link CudaContext}, so it loads, and
 * {@link #availability()} answers, even without the JCuda jar. Calls are serialised on this
 * object and make the context current on the calling thread, so any thread may use it.
 */
public final class Cuda implements AutoCloseable {

    /** Whether the CUDA backend can run here, and if not, why (one line to show the user). */
    public record Availability(boolean available, String reason) {}

    private static Availability probed;

    private final CudaContext context;
    private boolean closed;

    private Cuda(CudaContext context) {
        this.context = context;
    }

    /**
     * Probes the driver once and caches the answer; never throws. The reason names the first
     * thing missing: the JCuda jar, its native library, the NVIDIA driver ({@code libcuda.so}), a
     * device, a new enough driver or GPU; when available it describes the driver and GPU.
     */
    public static synchronized Availability availability() {
        if (probed == null) {
            try {
                Class.forName("jcuda.driver.JCudaDriver", false, Cuda.class.getClassLoader());
                probed = CudaContext.probe();
            } catch (ClassNotFoundException | NoClassDefFoundError e) {
                probed = new Availability(false, "JCuda is not on the classpath (org.jcuda:jcuda)");
            } catch (Throwable t) {  // whatever the driver or JNI throws: availability never throws
                probed = new Availability(false, "CUDA probe failed: " + firstLine(t));
            }
        }
        return probed;
    }

    /** Opens device 0, or throws {@link IllegalStateException} carrying the availability reason. */
    public static Cuda open() {
        Availability a = availability();
        if (!a.available()) {
            throw new IllegalStateException("CUDA is not available: " + a.reason());
        }
        return new Cuda(new CudaContext());
    }

    public String deviceName() {
        return context.deviceName;
    }

    /** A device buffer of {@code words} 4-byte elements (float32 or int32), uninitialised. */
    public synchronized DeviceBuffer allocate(long words) {
        makeCurrent();
        return new DeviceBuffer(this, words);
    }

    /** A new device buffer holding a copy of {@code host}. */
    public DeviceBuffer upload(float[] host) {
        DeviceBuffer b = allocate(host.length);
        b.copyFrom(host);
        return b;
    }

    /** A new device buffer holding a copy of {@code host}. */
    public DeviceBuffer upload(int[] host) {
        DeviceBuffer b = allocate(host.length);
        b.copyFrom(host);
        return b;
    }

    /**
     * Launches {@code kernel} from {@code module} (the .cu file's base name) on {@code grid}
     * blocks of {@code block} threads (x, y, z each). Arguments in the kernel's parameter order:
     * {@link DeviceBuffer} (a pointer), {@code Integer}, {@code Float}, {@code Boolean} (int 0/1).
     * Asynchronous; copies back to the host wait for it.
     */
    public synchronized void launch(String module, String kernel, int[] grid, int[] block, Object... args) {
        makeCurrent();
        context.launch(module, kernel, grid, block, args);
    }

    /** Free bytes of device memory ({@code cuMemGetInfo}). */
    public synchronized long memoryFree() {
        makeCurrent();
        return context.memoryFree();
    }

    /** Waits until all launched kernels have finished. */
    public synchronized void synchronize() {
        makeCurrent();
        context.synchronize();
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        context.close();
    }

    void makeCurrent() {
        if (closed) throw new IllegalStateException("the CUDA context is closed");
        context.makeCurrent();
    }

    static String firstLine(Throwable t) {
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        int nl = m.indexOf('\n');
        return (nl < 0 ? m : m.substring(0, nl)).strip();
    }
}
