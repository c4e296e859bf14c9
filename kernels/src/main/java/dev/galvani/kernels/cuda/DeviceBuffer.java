package dev.galvani.kernels.cuda;

import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoD;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;
import static jcuda.driver.JCudaDriver.cuMemsetD32;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;

/**
 * Device memory of {@link #length()} 4-byte words (float32 or int32), owned by this object and
 * freed by {@link #close()}: use it in try-with-resources. Copies are synchronous and wait for the
 * kernels launched before them. Offsets and lengths are in words.
 */
public final class DeviceBuffer implements AutoCloseable {
    private final Cuda cuda;
    private final long length;
    private final CUdeviceptr pointer = new CUdeviceptr();
    private boolean closed;

    DeviceBuffer(Cuda cuda, long length) {
        if (length < 0) throw new IllegalArgumentException("negative buffer length " + length);
        this.cuda = cuda;
        this.length = length;
        cuMemAlloc(pointer, Math.max(1, length) * Float.BYTES);
    }

    public long length() {
        return length;
    }

    /** Copies {@code host[from .. from+count)} to words {@code [at .. at+count)} of this buffer. */
    public void copyFrom(float[] host, int from, long at, int count) {
        check(at, count, from, host.length);
        if (count == 0) return;
        synchronized (cuda) {
            cuda.makeCurrent();
            cuMemcpyHtoD(pointer.withByteOffset(at * Float.BYTES),
                    Pointer.to(host).withByteOffset((long) from * Float.BYTES), (long) count * Float.BYTES);
        }
    }

    public void copyFrom(float[] host) {
        copyFrom(host, 0, 0, host.length);
    }

    public void copyFrom(int[] host) {
        check(0, host.length, 0, host.length);
        if (host.length == 0) return;
        synchronized (cuda) {
            cuda.makeCurrent();
            cuMemcpyHtoD(pointer, Pointer.to(host), (long) host.length * Integer.BYTES);
        }
    }

    /** Copies words {@code [at .. at+count)} of this buffer to {@code host[to .. to+count)}. */
    public void copyTo(long at, float[] host, int to, int count) {
        check(at, count, to, host.length);
        if (count == 0) return;
        synchronized (cuda) {
            cuda.makeCurrent();
            cuMemcpyDtoH(Pointer.to(host).withByteOffset((long) to * Float.BYTES),
                    pointer.withByteOffset(at * Float.BYTES), (long) count * Float.BYTES);
        }
    }

    public void copyTo(float[] host) {
        copyTo(0, host, 0, host.length);
    }

    public void copyTo(int[] host) {
        check(0, host.length, 0, host.length);
        if (host.length == 0) return;
        synchronized (cuda) {
            cuda.makeCurrent();
            cuMemcpyDtoH(Pointer.to(host), pointer, (long) host.length * Integer.BYTES);
        }
    }

    /** Copies words {@code [at .. at+count)} of this buffer to words {@code [dstAt ..)} of {@code dst} (on the device). */
    public void copyTo(long at, DeviceBuffer dst, long dstAt, long count) {
        if (closed || dst.closed) throw new IllegalStateException("device buffer is closed");
        if (count < 0 || at < 0 || dstAt < 0 || at + count > length || dstAt + count > dst.length) {
            throw new IndexOutOfBoundsException("device copy of " + count + " words from " + at + " (buffer " + length
                    + ") to " + dstAt + " (buffer " + dst.length + ")");
        }
        if (count == 0) return;
        synchronized (cuda) {
            cuda.makeCurrent();
            cuMemcpyDtoD(dst.pointer.withByteOffset(dstAt * Float.BYTES), pointer.withByteOffset(at * Float.BYTES),
                    count * Float.BYTES);
        }
    }

    /** Sets every word to the bits of {@code value}. */
    public void fill(float value) {
        if (closed) throw new IllegalStateException("device buffer is closed");
        if (length == 0) return;
        synchronized (cuda) {
            cuda.makeCurrent();
            cuMemsetD32(pointer, Float.floatToRawIntBits(value), length);
        }
    }

    /** Copies {@code host} to the start of this buffer, two words per value. */
    public void copyFrom(double[] host) {
        check(0, 2 * host.length, 0, 2 * host.length);
        if (host.length == 0) return;
        synchronized (cuda) {
            cuda.makeCurrent();
            cuMemcpyHtoD(pointer, Pointer.to(host), (long) host.length * Double.BYTES);
        }
    }

    /** A kernel argument: the address of word {@code words} of this buffer. */
    public View at(long words) {
        if (words < 0 || words > length) throw new IndexOutOfBoundsException("offset " + words + " in a buffer of " + length);
        return new View(this, words);
    }

    /** A pointer into a buffer, as a kernel argument. */
    public record View(DeviceBuffer buffer, long words) {}

    /** The whole buffer as a new host array. */
    public float[] toFloats() {
        float[] host = new float[Math.toIntExact(length)];
        copyTo(host);
        return host;
    }

    CUdeviceptr pointer() {
        if (closed) throw new IllegalStateException("device buffer is closed");
        return pointer;
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        synchronized (cuda) {
            cuda.makeCurrent();
            cuMemFree(pointer);
        }
    }

    private void check(long at, int count, int hostFrom, int hostLength) {
        if (closed) throw new IllegalStateException("device buffer is closed");
        if (count < 0 || at < 0 || at + count > length || hostFrom < 0 || hostFrom + count > hostLength) {
            throw new IndexOutOfBoundsException("copy of " + count + " words at device offset " + at
                    + " (buffer " + length + ") and host offset " + hostFrom + " (array " + hostLength + ")");
        }
    }
}
