package dev.galvani.kernels;

/** Indices in host memory: the array itself. */
public record HostIndices(int[] array) implements Indices {
    @Override
    public Device device() {
        return Device.CPU;
    }

    @Override
    public int length() {
        return array.length;
    }
}
