package dev.galvani.engine.ops;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.galvani.engine.Devices;
import dev.galvani.kernels.Device;
import dev.galvani.kernels.cuda.Cuda;
import org.junit.jupiter.api.BeforeEach;

/**
 * {@link DeviceOpsTest}'s cases on the GPU: every op's value, VJP and JVP within 1e-4 of the host
 * relative to {@code 1 + |host|} (the kernels sum in another order than the CPU; the inputs are
 * small, so a few float32 roundings per value). Skipped, with the reason, without a usable GPU;
 * {@code -Dgalvani.requireGpu=true} (scripts/gpu-check.sh) makes a missing GPU a failure.
 */
class CudaOpsTest extends DeviceOpsTest {
    @BeforeEach void gpu() {
        assumeTrue(Cuda.availability().available() || Boolean.getBoolean("galvani.requireGpu"), () -> "no GPU: " + Cuda.availability().reason());
    }

    @Override Device device() {
        return Devices.cuda();
    }

    @Override double tolerance() {
        return 1e-4;
    }
}
