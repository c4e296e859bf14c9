package dev.galvani.kernels;

/**
 * The values of a tensor: {@link #length()} floats on one {@link Device}. A host storage is a
 * plain array ({@link HostStorage}); a device's storage is opaque to everything but its backend,
 * whose primitives read and write it.
 */
public interface Storage {
    Device device();

    /** Number of floats. */
    int length();
}
