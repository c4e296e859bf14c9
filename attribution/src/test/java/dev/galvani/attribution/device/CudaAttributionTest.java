package dev.galvani.attribution.device;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.galvani.engine.Devices;
import dev.galvani.engine.check.DeviceCheck;
import dev.galvani.kernels.Device;
import dev.galvani.kernels.cuda.Cuda;
import org.junit.jupiter.api.BeforeEach;

/**
 * {@link DeviceAttributionTest} on the GPU: conductance (both discretisations), integrated
 * gradients, internal influence, ablation scores and the masked passes' features within 1e-4 of
 * the host relative to {@code 1 + |host|} (the values are sums over 7-node paths of quantities near
 * one, so a few float32 roundings of the GPU's other summation order). Skipped, with the reason,
 * without a usable GPU; {@code -Dgalvani.requireGpu=true} makes a missing GPU a failure.
 */
class CudaAttributionTest extends DeviceAttributionTest {
    private static final double TOLERANCE = 1e-4;

    @BeforeEach void gpu() {
        assumeTrue(Cuda.availability().available() || Boolean.getBoolean("galvani.requireGpu"), () -> "no GPU: " + Cuda.availability().reason());
    }

    @Override Device device() {
        return Devices.cuda();
    }

    @Override void same(float[] want, float[] got, String what) {
        double e = DeviceCheck.error(want, got);
        if (!(e <= TOLERANCE)) throw new AssertionError(what + ": the GPU differs from the host by " + e + " (bound " + TOLERANCE + ")");
    }
}
