package dev.galvani.models.train;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.galvani.engine.Devices;
import dev.galvani.engine.check.DeviceCheck;
import dev.galvani.kernels.Device;
import dev.galvani.kernels.cuda.Cuda;
import org.junit.jupiter.api.BeforeEach;

/**
 * {@link DeviceTrainingTest}'s steps on the GPU: the losses, the parameters and running statistics
 * after two steps and the evaluation outputs of all six architectures within 1e-4 of the host,
 * relative to {@code 1 + |host|}. Plain SGD here: Adam's first steps move every weight by about
 * the learning rate times the sign of its gradient, so a gradient the two devices round to
 * opposite signs near zero would differ by twice the learning rate (the Adam kernel is checked
 * against the CPU's loop by scripts/gen-ptx.sh --check). Skipped, with the reason, without a usable
 * GPU; {@code -Dgalvani.requireGpu=true} makes a missing GPU a failure.
 */
class CudaTrainingTest extends DeviceTrainingTest {
    private static final double TOLERANCE = 1e-4;

    @BeforeEach void gpu() {
        assumeTrue(Cuda.availability().available() || Boolean.getBoolean("galvani.requireGpu"), () -> "no GPU: " + Cuda.availability().reason());
    }

    @Override Device device() {
        return Devices.cuda();
    }

    @Override String optimizer() {
        return "sgd";
    }

    @Override void same(float[] want, float[] got, String what) {
        double e = DeviceCheck.error(want, got);
        if (!(e <= TOLERANCE)) throw new AssertionError(what + ": the GPU differs from the host by " + e + " (bound " + TOLERANCE + ")");
    }
}
