package dev.galvani.kernels.cuda;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuCtxSynchronize;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetAttribute;
import static jcuda.driver.JCudaDriver.cuDeviceGetCount;
import static jcuda.driver.JCudaDriver.cuDeviceGetName;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRelease;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuDriverGetVersion;
import static jcuda.driver.JCudaDriver.cuInit;
import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadData;
import static jcuda.driver.JCudaDriver.cuModuleUnload;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.JCudaDriver;

/**
 * The JCuda calls behind {@link Cuda}: driver probe, primary context of device 0, PTX modules and
 * launches. Kept apart from {@link Cuda} so that {@code Cuda} links (and {@link Cuda#availability()}
 * answers) even when the JCuda jar is absent. Callers hold the {@code Cuda} monitor.
 */
final class CudaContext {
    private final CUdevice device = new CUdevice();
    private final CUcontext context = new CUcontext();
    private final Map<String, CUmodule> modules = new HashMap<>();
    private final Map<String, CUfunction> functions = new HashMap<>();
    final String deviceName;

    CudaContext() {
        JCudaDriver.setExceptionsEnabled(true);
        cuInit(0);
        cuDeviceGet(device, 0);
        cuDevicePrimaryCtxRetain(context, device);
        cuCtxSetCurrent(context);
        byte[] name = new byte[256];
        cuDeviceGetName(name, name.length, device);
        int len = 0;
        while (len < name.length && name[len] != 0) len++;
        deviceName = new String(name, 0, len, StandardCharsets.US_ASCII);
    }

    /** See {@link Cuda#availability()}; may throw (the caller catches everything). */
    static Cuda.Availability probe() {
        try {
            JCudaDriver.setExceptionsEnabled(true);  // loads libJCudaDriver, which links libcuda.so.1
        } catch (LinkageError e) {
            if (String.valueOf(e.getMessage()).contains("libcuda.so")) {
                return new Cuda.Availability(false, "no CUDA driver (libcuda.so not found)");
            }
            return new Cuda.Availability(false, "JCuda native library failed to load: " + Cuda.firstLine(e));
        }
        try {
            cuInit(0);
            int[] count = {0};
            cuDeviceGetCount(count);
            if (count[0] == 0) return new Cuda.Availability(false, "no CUDA device");
            int[] version = {0};
            cuDriverGetVersion(version);
            String driver = "CUDA driver " + (version[0] / 1000) + "." + (version[0] % 1000) / 10;
            if (version[0] < 12000) {
                return new Cuda.Availability(false, driver + " is too old: JCuda 12 needs CUDA 12 or newer");
            }
            CUdevice d = new CUdevice();
            cuDeviceGet(d, 0);
            int[] major = {0}, minor = {0};
            cuDeviceGetAttribute(major, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, d);
            cuDeviceGetAttribute(minor, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, d);
            String cc = major[0] + "." + minor[0];
            if (major[0] < 7) {  // the PTX declares .target sm_70 (scripts/gen-ptx.sh)
                return new Cuda.Availability(false, "GPU 0 has compute capability " + cc + "; the kernels need 7.0 or newer");
            }
            return new Cuda.Availability(true, driver + ", " + count[0] + " device(s), GPU 0 compute capability " + cc);
        } catch (RuntimeException e) {  // jcuda.CudaException, e.g. CUDA_ERROR_NO_DEVICE
            return new Cuda.Availability(false, "CUDA driver error: " + Cuda.firstLine(e));
        }
    }

    void makeCurrent() {
        cuCtxSetCurrent(context);
    }

    void launch(String module, String kernel, int[] grid, int[] block, Object[] args) {
        makeCurrent();
        CUfunction f = function(module, kernel);
        Pointer[] params = new Pointer[args.length];
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            if (a instanceof DeviceBuffer b) params[i] = Pointer.to(b.pointer());
            else if (a instanceof DeviceBuffer.View v) params[i] = Pointer.to(v.buffer().pointer().withByteOffset(v.words() * Float.BYTES));
            else if (a instanceof int[] v) params[i] = Pointer.to(v);  // a struct of ints passed by value (Dims)
            else if (a instanceof Integer v) params[i] = Pointer.to(new int[] {v});
            else if (a instanceof Float v) params[i] = Pointer.to(new float[] {v});
            else if (a instanceof Boolean v) params[i] = Pointer.to(new int[] {v ? 1 : 0});
            else throw new IllegalArgumentException(kernel + ": argument " + i + " has unsupported type "
                    + (a == null ? "null" : a.getClass().getSimpleName()));
        }
        cuLaunchKernel(f, grid[0], grid[1], grid[2], block[0], block[1], block[2], 0, null, Pointer.to(params), null);
    }

    long memoryFree() {
        long[] free = {0}, total = {0};
        jcuda.driver.JCudaDriver.cuMemGetInfo(free, total);
        return free[0];
    }

    void synchronize() {
        makeCurrent();
        cuCtxSynchronize();
    }

    void close() {
        makeCurrent();
        for (CUmodule m : modules.values()) cuModuleUnload(m);
        modules.clear();
        functions.clear();
        cuDevicePrimaryCtxRelease(device);
    }

    private CUfunction function(String module, String kernel) {
        String key = module + "/" + kernel;
        CUfunction f = functions.get(key);
        if (f == null) {
            f = new CUfunction();
            cuModuleGetFunction(f, modules.computeIfAbsent(module, CudaContext::loadModule), kernel);
            functions.put(key, f);
        }
        return f;
    }

    private static CUmodule loadModule(String name) {
        String resource = name + ".ptx";
        try (InputStream in = Cuda.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("PTX resource " + resource + " is missing; run scripts/gen-ptx.sh");
            }
            byte[] ptx = in.readAllBytes();
            byte[] terminated = Arrays.copyOf(ptx, ptx.length + 1);  // cuModuleLoadData reads a C string
            CUmodule m = new CUmodule();
            cuModuleLoadData(m, terminated);
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read PTX resource " + resource, e);
        }
    }
}
