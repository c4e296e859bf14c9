package dev.galvani.engine;

import dev.galvani.kernels.Backends;
import dev.galvani.kernels.cuda.Cuda;
import dev.galvani.kernels.cuda.CudaBackend;

import java.util.Locale;

/**
 * Where the ops run: {@code cpu}; {@code cuda}, a usable GPU (else one line naming what is
 * missing); or {@code auto}, the GPU when usable, else the CPU, said once on stderr. The backend
 * switch happens once per process; the checks every time.
 */
public final class Devices {
    private Devices() {}

    private static boolean said, usingCuda;

    public static synchronized void use(String device) {
        switch (device.toLowerCase(Locale.ROOT)) {
            case "cpu" -> { }
            case "cuda" -> {
                Cuda.Availability a = Cuda.availability();
                if (!a.available()) throw new GalvaniException("--device cuda: " + a.reason());
                if (!usingCuda) Backends.use(CudaBackend.open());
                usingCuda = true;
            }
            case "auto" -> {
                Cuda.Availability a = Cuda.availability();
                if (a.available()) {
                    if (!usingCuda) Backends.use(CudaBackend.open());
                    usingCuda = true;
                } else if (!said) {
                    said = true;
                    System.err.println("galvani: no usable GPU (" + a.reason() + "); running on the CPU");
                }
            }
            default -> throw new GalvaniException("--device must be cpu, cuda or auto, got '" + device + "'");
        }
    }
}
