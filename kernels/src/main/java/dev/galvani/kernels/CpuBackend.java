package dev.galvani.kernels;

import java.util.Arrays;

/** The reference backend: host arrays, Vector API kernels where available, plain Java otherwise. */
public final class CpuBackend implements Backend {

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
        return host(s).clone();
    }

    @Override
    public void copy(Storage src, int srcOff, Storage dst, int dstOff, int count) {
        System.arraycopy(host(src), srcOff, host(dst), dstOff, count);
    }

    @Override
    public void fill(Storage s, float value) {
        Arrays.fill(host(s), value);
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k,
                      float alpha, float[] a, int aOff, int lda,
                      float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        Gemm.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /** The array of a host storage; another device's storage is a caller's bug. */
    static float[] host(Storage s) {
        if (s instanceof HostStorage h) return h.array();
        throw new IllegalArgumentException("the CPU backend was given a storage on " + s.device());
    }
}
