package dev.galvani.engine;

import dev.galvani.kernels.Backends;
import dev.galvani.kernels.Device;
import dev.galvani.kernels.SimulatedBackend;
import dev.galvani.kernels.cuda.Cuda;
import dev.galvani.kernels.cuda.CudaBackend;

import java.util.Locale;

/**
 * Where the ops run, by name: {@code cpu}; {@code cuda}, a usable GPU (else one line naming what is
 * missing); {@code auto}, the GPU when usable, else the CPU, said once on stderr; or
 * {@code simulated}, the device path on a device simulated in host memory (for checks, not speed).
 * A model moved there ({@code Module.to}) takes its tensors with it; values come back to the host
 * only as results. The CUDA backend is opened and the fallback said once per process; the checks
 * run every time.
 */
public final class Devices {
    private Devices() {}

    private static boolean said;
    private static Device cuda;

    /** The device named (also installed as {@link Backends#current()}, the name benchmarks print). */
    public static synchronized Device use(String device) {
        Device chosen = switch (device.toLowerCase(Locale.ROOT)) {
            case "cpu" -> Device.CPU;
            case "simulated" -> SimulatedBackend.INSTANCE.device();
            case "cuda" -> cuda();
            case "auto" -> {
                Cuda.Availability a = Cuda.availability();
                if (a.available()) yield cuda();
                if (!said) {
                    said = true;
                    System.err.println("galvani: no usable GPU (" + a.reason() + "); running on the CPU");
                }
                yield Device.CPU;
            }
            default -> throw new GalvaniException("--device must be cpu, cuda, auto or simulated, got '" + device + "'");
        };
        Backends.use(chosen.backend());
        return chosen;
    }

    /** The GPU (device 0, its backend opened once per process), without installing it; throws with the reason when none is usable. */
    public static synchronized Device cuda() {
        if (cuda == null) {
            Cuda.Availability a = Cuda.availability();
            if (!a.available()) throw new GalvaniException("--device cuda: " + a.reason());
            cuda = CudaBackend.open().device();
        }
        return cuda;
    }
}
