package dev.galvani.engine.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.galvani.engine.F;
import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Rng;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.check.DeviceCheck;
import dev.galvani.kernels.Device;
import dev.galvani.kernels.SimulatedBackend;

import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Every op on the simulated device (opaque storages, the CPU kernels behind the backend
 * interface) against the host, value, VJP and JVP bit for bit: the engine's one code path reads
 * device values only through the backend's primitives. {@link CudaOpsTest} runs the same cases on
 * a GPU within a relative bound.
 */
class DeviceOpsTest {
    private static final Device SIM = SimulatedBackend.INSTANCE.device();
    private final Rng rng = new Rng(5);

    /** The device under test. */
    Device device() {
        return SIM;
    }

    /** Largest {@code |device − host| / (1 + |host|)} allowed: the simulated device runs the CPU kernels, so 0. */
    double tolerance() {
        return 0;
    }

    private Tensor rand(int... shape) {
        return Tensor.randn(rng, 1f, shape);
    }

    private void same(Function<Tensor[], Tensor> f, Tensor... inputs) {
        DeviceCheck.check(device(), tolerance(), f, inputs);
    }

    @Test void elementwise() {
        same(x -> x[0].add(x[1]), rand(3, 1, 5), rand(4, 1));
        same(x -> x[0].sub(x[1]), rand(2, 3, 4), rand(1, 4));
        same(x -> x[0].mul(x[1]), rand(3, 4), rand(3, 1));
        same(x -> x[0].mul(x[1]), rand(1), rand(5, 2));
        same(x -> x[0].div(x[1]), rand(3, 4), Tensor.uniform(rng, 0.5f, 2f, 4));
        same(x -> x[0].mul(2.5f).add(-1f), rand(6));
        Tensor pos = Tensor.uniform(rng, 0.5f, 2f, 3, 5);
        same(x -> x[0].log().sqrt().pow(1.5f), pos);
        same(x -> x[0].exp().neg().tanh().sigmoid(), rand(3, 5));
        same(x -> F.relu6(x[0].mul(4f)).add(x[0].relu()), rand(40));
        same(x -> F.clip(x[0], -0.5f, 0.7f), rand(40));
    }

    @Test void reductionsAndLayouts() {
        same(x -> x[0].sum(), rand(3, 4));
        same(x -> x[0].sum(true, 0, 2), rand(3, 4, 5));
        same(x -> x[0].mean(false, 1), rand(3, 4, 5));
        same(x -> F.max(x[0], false, 1), rand(3, 6, 2));
        same(x -> F.maxOverTime(x[0]), rand(2, 3, 7));
        same(x -> x[0].reshape(6, 2).matmul(x[1]), rand(3, 4), rand(2, 5));
        same(x -> F.permute(x[0], 2, 0, 1), rand(2, 3, 4));
        same(x -> F.concat(1, F.slice(x[0], 1, 1, 3), x[1]), rand(2, 4, 3), rand(2, 1, 3));
        same(x -> F.pad(x[0], new int[] {0, 1}, new int[] {1, -1}, Pad.Mode.REFLECT, 0f), rand(3, 4));
        same(x -> F.pad(x[0], new int[] {1, 2}, new int[] {0, 1}, Pad.Mode.CONSTANT, 0.5f), rand(3, 4));
        same(x -> F.gather(x[0], 1, new int[] {2, 0, 2, -1}, 2, 2), rand(2, 3, 2));
    }

    @Test void denseSoftmaxAndLosses() {
        same(x -> F.linear(x[0], x[1], x[2]), rand(4, 3, 5), rand(6, 5), rand(6));
        same(x -> F.linear(x[0], x[1], null), rand(4, 5), rand(2, 5));
        same(x -> F.bmm(x[0], x[1]), rand(3, 2, 4), rand(3, 4, 5));
        same(x -> F.bmm(x[0], x[1]), rand(3, 2, 4), rand(4, 5));
        same(x -> F.softmax(x[0], 1), rand(2, 5, 3));
        same(x -> F.logSoftmax(x[0], -1), rand(4, 7));
        same(x -> F.crossEntropy(x[0], new int[] {1, 0, 6, 3}), rand(4, 7));
        same(x -> F.pick(x[0], new int[] {2, 0, 1}), rand(3, 4));
        same(x -> F.embedding(x[0], new int[] {0, 3, 3, 1, 0, 2}, 2, 3), rand(5, 4));
        same(x -> F.dropout(x[0], 0.3f, new Rng(9), true), rand(5, 8));
    }

    @Test void convolutionPoolingAndBatchNorm() {
        same(x -> F.conv2d(x[0], x[1], x[2], 2, 1), rand(2, 3, 7, 6), rand(4, 3, 3, 3), rand(4));
        same(x -> F.conv2d(x[0], x[1], null, 1, 1), rand(3, 2, 5, 5), rand(4, 2, 1, 1));
        same(x -> F.conv2d(x[0], x[1], x[2], 1, 1, 1, 3), rand(2, 3, 5, 5), rand(3, 1, 3, 3), rand(3));
        same(x -> new Conv2d(1, 2, 1, 0, 2, 1, 2).apply(x[0], x[1]), rand(1, 4, 7, 6), rand(2, 2, 3, 2));
        same(x -> F.conv1d(x[0], x[1], x[2]), rand(2, 5, 9), rand(3, 5, 3), rand(3));
        same(x -> F.maxPool2d(x[0], 3, 2, 1), rand(2, 3, 7, 7));
        same(x -> F.maxPool2d(x[0], 2, 2, 0), rand(2, 3, 6, 6));
        same(x -> F.avgPool2d(x[0], 3, 1, 1), rand(2, 3, 5, 6));
        same(x -> F.globalAvgPool(x[0]), rand(2, 3, 4, 4));
        same(x -> F.pool2d(x[0], Pool2d.Kind.MAX, new int[] {3, 2}, new int[] {2, 1}, new int[] {1, 0, 2, 1},
                new int[] {1, 2}, true, true), rand(2, 2, 7, 6));
        same(x -> F.pool2d(x[0], Pool2d.Kind.AVERAGE, new int[] {3, 2}, new int[] {2, 1}, new int[] {1, 0, 2, 1},
                new int[] {1, 2}, true, false), rand(2, 2, 7, 6));
        same(x -> F.batchNormTrain(x[0], x[1], x[2], 1e-5f).output(), rand(4, 3, 2, 2), rand(3), rand(3));
        float[] rm = {0.5f, -1f, 0f}, rv = {2f, 0.5f, 1f};
        same(x -> F.batchNormEval(x[0], x[1], x[2], rm, rv, 1e-5f), rand(3, 3, 4), rand(3), rand(3));
    }

    @Test void runningStatisticsUpdateOnTheDevice() {
        Device d = device();
        Tensor x = rand(4, 3, 2, 2), g = rand(3), b = rand(3);
        Tensor rmHost = Tensor.zeros(3), rvHost = Tensor.ones(3), rmDev = Tensor.zeros(d, 3), rvDev = Tensor.full(d, 1f, 3);
        F.batchNormTrain(x, g, b, 1e-5f).updateRunning(rmHost, rvHost, 0.1f);
        F.batchNormTrain(x.to(d), g.to(d), b.to(d), 1e-5f).updateRunning(rmDev, rvDev, 0.1f);
        org.junit.jupiter.api.Assertions.assertArrayEquals(rmHost.data(), rmDev.toHost().data(), (float) tolerance());
        org.junit.jupiter.api.Assertions.assertArrayEquals(rvHost.data(), rvDev.toHost().data(), (float) tolerance() * 2);
    }

    @Test void mixingDevicesIsOneLineNamingBoth() {
        Tensor a = rand(3), b = rand(3).to(device());
        GalvaniException e = assertThrows(GalvaniException.class, () -> a.add(b));
        assertEquals("add: input 0 is on cpu, input 1 on " + device().name() + " (move them with Tensor.to or Module.to)", e.getMessage());
    }

    @Test void aForwardAndBackwardCopiesNothingToTheHost() {
        org.junit.jupiter.api.Assumptions.assumeTrue(device() == SIM, "counted on the simulated device");
        SimulatedBackend sim = SimulatedBackend.INSTANCE;
        Tensor w = rand(4, 3).to(SIM).requiresGrad(true), x = rand(8, 3).to(SIM);
        long down = sim.downloadedValues();
        Tensor loss = F.crossEntropy(F.linear(x, w, null).relu(), new int[] {0, 1, 2, 3, 0, 1, 2, 3});
        loss.backward();
        assertEquals(down, sim.downloadedValues(), "values crossed to the host");
        assertEquals(SIM, w.grad.device());
        assertTrue(Float.isFinite(loss.item()));
    }
}
