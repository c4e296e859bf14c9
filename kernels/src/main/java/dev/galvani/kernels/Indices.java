package dev.galvani.kernels;

/**
 * Integer indices on a device (labels, token ids, gather positions, the argmax a max saves for its
 * derivative): made by {@link Backend#indices} from host values or by a primitive, read by the
 * backend that owns them.
 */
public interface Indices {
    Device device();

    int length();
}
