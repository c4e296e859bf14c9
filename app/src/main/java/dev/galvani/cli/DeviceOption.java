package dev.galvani.cli;

import dev.galvani.engine.Devices;
import picocli.CommandLine.Option;

/** {@code --device cpu|cuda|auto} (default {@code $GALVANI_DEVICE}, else cpu), shared by every command that computes: {@link Devices#use}. */
final class DeviceOption {
    @Option(names = "--device", paramLabel = "cpu|cuda|auto", description = "Where the ops run (default: $GALVANI_DEVICE, else cpu).")
    String device;

    void install() {
        Devices.use(device != null ? device : System.getenv().getOrDefault("GALVANI_DEVICE", "cpu"));
    }
}
