package dev.galvani.kernels;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A device simulated in host memory, for machines without a GPU: its storages are opaque
 * ({@code Tensor.data()} refuses them, as it refuses a GPU's), values cross to and from it only
 * through {@link #fromHost} and {@link #toHost}, which are counted, and every primitive runs the
 * CPU backend's kernels on the storages' private arrays. Running the engine's device path on it
 * shows, without a GPU, that no op reads a device tensor's values behind the backend's back, that
 * the numbers are the CPU backend's, and how many values cross per step.
 */
public final class SimulatedBackend extends ArrayBackend {
    /** The one simulated device. */
    public static final SimulatedBackend INSTANCE = new SimulatedBackend();
    private final Device device = new Device("simulated", this);
    private final AtomicLong uploaded = new AtomicLong(), downloaded = new AtomicLong();

    private SimulatedBackend() {}

    /** A storage of the simulated device: an array only its backend reads. */
    private static final class SimulatedStorage implements Storage {
        final float[] values;

        SimulatedStorage(float[] values) {
            this.values = values;
        }

        @Override
        public Device device() {
            return INSTANCE.device;
        }

        @Override
        public int length() {
            return values.length;
        }
    }

    /** Indices of the simulated device. */
    private record SimulatedIndices(int[] values) implements Indices {
        @Override
        public Device device() {
            return INSTANCE.device;
        }

        @Override
        public int length() {
            return values.length;
        }
    }

    @Override
    public String name() {
        return "simulated(" + CpuBackend.INSTANCE.name() + ")";
    }

    @Override
    public Device device() {
        return device;
    }

    /** Values copied from the host so far (index sets included). */
    public long uploadedValues() {
        return uploaded.get();
    }

    /** Values copied to the host so far. */
    public long downloadedValues() {
        return downloaded.get();
    }

    @Override
    public Storage allocate(int length) {
        return new SimulatedStorage(new float[length]);
    }

    @Override
    public Storage fromHost(float[] values) {
        uploaded.addAndGet(values.length);
        return new SimulatedStorage(values.clone());
    }

    @Override
    public float[] toHost(Storage s) {
        float[] v = array(s);
        downloaded.addAndGet(v.length);
        return v.clone();
    }

    @Override
    public Indices indices(int[] values) {
        uploaded.addAndGet(values.length);
        return super.indices(values);
    }

    @Override
    float[] array(Storage s) {
        if (s instanceof SimulatedStorage d) return d.values;
        throw new IllegalArgumentException("the simulated backend was given a storage on " + s.device());
    }

    @Override
    int[] ints(Indices idx) {
        if (idx instanceof SimulatedIndices d) return d.values;
        throw new IllegalArgumentException("the simulated backend was given indices on " + idx.device());
    }

    @Override
    Indices wrap(int[] values) {
        return new SimulatedIndices(values);
    }
}
