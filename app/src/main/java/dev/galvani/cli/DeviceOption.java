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

    private static boolean installed;

    void install() {
        if (installed) return;
        installed = true;
        String d = device != null ? device : System.getenv().getOrDefault("GALVANI_DEVICE", "cpu");
        switch (d.toLowerCase(Locale.ROOT)) {
            case "cpu" -> { }
            case "cuda" -> {
                Cuda.Availability a = Cuda.availability();
                if (!a.available()) throw new GalvaniException("--device cuda: " + a.reason());
                Backends.use(CudaBackend.open());
            }
            case "auto" -> {
                Cuda.Availability a = Cuda.availability();
                if (a.available()) {
                    Backends.use(CudaBackend.open());
                } else {
                    System.err.println("galvani: no usable GPU (" + a.reason() + "); running on the CPU");
                }
            }
            default -> throw new GalvaniException("--device must be cpu, cuda or auto, got '" + d + "'");
        }
    }
}
