package dev.galvani.kernels.cuda;

import dev.galvani.kernels.Device;
import dev.galvani.kernels.Indices;

import java.lang.ref.Cleaner;

/** Integer indices in GPU memory, freed by a cleaner once unreachable (as {@link CudaStorage}). */
final class CudaIndices implements Indices {
    private static final Cleaner CLEANER = Cleaner.create();
    private final Device device;
    private final DeviceBuffer buffer;
    private final int length;

    CudaIndices(Device device, DeviceBuffer buffer, int length) {
        this.device = device;
        this.buffer = buffer;
        this.length = length;
        CLEANER.register(this, new CudaStorage.Free(buffer));
    }

    DeviceBuffer buffer() {
        return buffer;
    }

    @Override
    public Device device() {
        return device;
    }

    @Override
    public int length() {
        return length;
    }
}
