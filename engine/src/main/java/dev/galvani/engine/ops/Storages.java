package dev.galvani.engine.ops;

import dev.galvani.engine.Shapes;
import dev.galvani.engine.Tensor;
import dev.galvani.kernels.Backend;
import dev.galvani.kernels.Indices;

/** What every op does around the backend's primitives: reach its inputs' backend, make outputs on their device. */
final class Storages {
    private Storages() {}

    /** The backend of the device {@code t} lives on. */
    static Backend backend(Tensor t) {
        return t.device().backend();
    }

    /** Zeros of {@code shape} on {@code like}'s device. */
    static Tensor zeros(Tensor like, int... shape) {
        return new Tensor(backend(like).allocate(Shapes.numel(shape)), shape);
    }

    /** Host indices copied onto {@code like}'s device (labels, ids, positions known on the host). */
    static Indices indices(Tensor like, int[] values) {
        return backend(like).indices(values);
    }
}
