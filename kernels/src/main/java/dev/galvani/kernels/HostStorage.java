package dev.galvani.kernels;

/** Host memory: the array itself, shared, not copied. */
public record HostStorage(float[] array) implements Storage {
    @Override
    public Device device() {
        return Device.CPU;
    }

    @Override
    public int length() {
        return array.length;
    }
}
