package dev.galvani.kernels.cuda;

import dev.galvani.kernels.Device;
import dev.galvani.kernels.Storage;

import java.lang.ref.Cleaner;

/**
 * A tensor's values in GPU memory. The Java heap does not see device memory, so the buffer is
 * freed by a {@link Cleaner} once the storage is unreachable (tensors are dropped, not closed, as
 * on the host); {@link CudaBackend} collects garbage and retries when an allocation fails.
 */
final class CudaStorage implements Storage {
    private static final Cleaner CLEANER = Cleaner.create();
    final DeviceBuffer buffer;
    private final Device device;
    private final int length;

    CudaStorage(Device device, DeviceBuffer buffer, int length) {
        this.device = device;
        this.buffer = buffer;
        this.length = length;
        CLEANER.register(this, new Free(buffer));
    }

    @Override
    public Device device() {
        return device;
    }

    @Override
    public int length() {
        return length;
    }

    /** The cleaning action: holds the buffer, never the storage. */
    record Free(DeviceBuffer buffer) implements Runnable {
        @Override
        public void run() {
            try {
                buffer.close();
            } catch (IllegalStateException contextClosed) {
                // the context went first: its memory went with it
            }
        }
    }
}
