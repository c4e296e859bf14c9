package dev.galvani.cli;

import dev.galvani.engine.GalvaniException;
import dev.galvani.kernels.Backends;
import dev.galvani.kernels.cuda.Cuda;
import dev.galvani.kernels.cuda.CudaBackend;
import picocli.CommandLine.Option;

import java.util.Locale;

/**
 * {@code --device cpu|cuda|auto} (default {@code $GALVANI_DEVICE}, else cpu), shared by every
 * command. {@code cuda} without a usable GPU is a one-line error; {@code auto} falls back to the
 * CPU and says so once.
 */
final class DeviceOption {
    @Option(names = "--device", paramLabel = "cpu|cuda|auto", description = "Where the ops run (default: $GALVANI_DEVICE, else cpu).")
    String device;

    /** The fallback message and the backend switch happen once per process; the checks every time. */
    private static boolean said, usingCuda;

    void install() {
        String d = device != null ? device : System.getenv().getOrDefault("GALVANI_DEVICE", "cpu");
        switch (d.toLowerCase(Locale.ROOT)) {
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
            default -> throw new GalvaniException("--device must be cpu, cuda or auto, got '" + d + "'");
        }
    }
}
