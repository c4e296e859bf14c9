package dev.galvani.kernels;

/**
 * The reference backend: host arrays, Vector API kernels where available, plain Java otherwise.
 * Each primitive is one of the CPU kernels ({@link Elementwise}, {@link Indexing},
 * {@link Softmaxes}, {@link Gemm}, ...), run on the arrays themselves.
 */
public final class CpuBackend extends ArrayBackend {

    public static final CpuBackend INSTANCE = new CpuBackend();

    private CpuBackend() {}

    @Override
    public String name() {
        return "cpu(" + Gemm.implementation() + ")";
    }

    @Override
    public Device device() {
        return Device.CPU;
    }

    @Override
    public Storage allocate(int length) {
        return new HostStorage(new float[length]);
    }

    @Override
    public Storage fromHost(float[] values) {
        return new HostStorage(values.clone());
    }

    @Override
    public float[] toHost(Storage s) {
        return array(s).clone();
    }

    @Override
    float[] array(Storage s) {
        if (s instanceof HostStorage h) return h.array();
        throw new IllegalArgumentException("the CPU backend was given a storage on " + s.device());
    }

    @Override
    int[] ints(Indices idx) {
        if (idx instanceof HostIndices h) return h.array();
        throw new IllegalArgumentException("the CPU backend was given indices on " + idx.device());
    }

    @Override
    Indices wrap(int[] values) {
        return new HostIndices(values);
    }
}
