package dev.galvani.cli;

import dev.galvani.engine.Devices;
import dev.galvani.kernels.Device;
import picocli.CommandLine.Option;

/**
 * {@code --device cpu|cuda|auto} (default {@code $GALVANI_DEVICE}, else cpu), shared by every command
 * that computes: {@link Devices#use}. A command that runs on a device moves its model there
 * ({@code Module.to}); inputs follow the model and values come back to the host only as results.
 */
final class DeviceOption {
    @Option(names = "--device", paramLabel = "cpu|cuda|auto", description = "Where the ops run (default: $GALVANI_DEVICE, else cpu).")
    String device;

    /** The device asked for. */
    Device install() {
        return Devices.use(device != null ? device : System.getenv().getOrDefault("GALVANI_DEVICE", "cpu"));
    }

    /**
     * For a command without a device path yet: the CPU, with one line when another device was asked
     * for (the GPU's own comparisons with the CPU are bench.CudaBench, run by scripts/gpu-check.sh).
     */
    Device hostOnly(String command) {
        Device d = install();
        if (!d.isHost()) System.err.println("galvani: " + command + " runs on the CPU (it has no device path yet)");
        return Devices.use("cpu");
    }
}
