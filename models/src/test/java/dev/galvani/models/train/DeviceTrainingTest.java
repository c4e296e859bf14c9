package dev.galvani.models.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.galvani.engine.F;
import dev.galvani.engine.Rng;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.autodiff.Grad;
import dev.galvani.engine.nn.Module;
import dev.galvani.kernels.Device;
import dev.galvani.kernels.SimulatedBackend;
import dev.galvani.models.ModelZoo;
import dev.galvani.models.layers.Embedding;

import java.util.ArrayList;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Training steps of all six architectures on the simulated device (opaque storages, the CPU
 * kernels behind the backend interface) give the host's parameters, running statistics and
 * losses bit for bit, and move only the inputs, the labels' indices and the reported numbers.
 * {@link CudaTrainingTest} runs the same steps on a GPU within a relative bound.
 */
class DeviceTrainingTest {
    private static final SimulatedBackend SIM = SimulatedBackend.INSTANCE;

    /** The device under test. */
    Device device() {
        return SIM.device();
    }

    /** The optimiser of the two steps. */
    String optimizer() {
        return "adam";
    }

    /** {@code want} and {@code got} agree: bit for bit here (the simulated device runs the CPU kernels). */
    void same(float[] want, float[] got, String what) {
        assertArrayEquals(want, got, what);
    }

    private static Tensor input(String arch, int n) {
        Rng rng = new Rng(3);
        if (!arch.equals("textcnn")) return Tensor.randn(rng, 1f, n, 1, 28, 28);
        float[] ids = new float[n * 12];
        for (int i = 0; i < ids.length; i++) ids[i] = rng.nextInt(30);
        return new Tensor(ids, n, 12);
    }

    /** Two Adam steps (a train-mode forward, backward, update, the embedding's padding row re-zeroed). */
    private float[] train(Module m, Tensor x, int[] y) {
        m.train(true);
        Optimizer opt = Optimizer.create(optimizer(), new ArrayList<>(m.parameters().values()), 1e-2f, 1e-4f);
        float[] losses = new float[2];
        for (int s = 0; s < 2; s++) {
            Tensor loss = F.crossEntropy(m.call(x.to(m.device())), y);
            loss.backward();
            opt.step();
            for (Module e : m.namedModules().values()) if (e instanceof Embedding emb) emb.zeroPadding();
            losses[s] = loss.item();
        }
        return losses;
    }

    @Test
    void everyArchitectureTrainsOnTheDeviceAsOnTheHost() {
        Device DEV = device();
        for (String arch : ModelZoo.NAMES) {
            Map<String, String> hyper = arch.equals("textcnn") ? Map.of("vocab", "30") : Map.of();
            Module host = ModelZoo.create(arch, hyper), dev = ModelZoo.create(arch, hyper).to(DEV);
            assertSame(DEV, dev.device());
            int n = 4;
            Tensor x = input(arch, n);
            int[] y = arch.equals("textcnn") ? new int[] {0, 1, 1, 0} : new int[] {3, 1, 4, 1};
            float[] lh = train(host, x, y), ld = train(dev, x, y);
            same(lh, ld, arch + ": losses");
            Map<String, Tensor> hs = host.stateDict(), ds = dev.stateDict();
            for (String k : hs.keySet()) {
                assertSame(DEV, ds.get(k).device(), arch + " " + k);
                same(hs.get(k).data(), ds.get(k).toHost().data(), arch + ": " + k);
            }
            // Evaluation mode (running statistics) agrees too.
            try (Module.Mode e = host.evaluating(); Module.Mode e2 = dev.evaluating(); Grad.Scope s = Grad.off()) {
                same(host.call(x).data(), dev.call(x.to(DEV)).toHost().data(), arch + ": evaluation");
            }
        }
    }

    @Test
    void aTrainingStepCopiesOnlyTheInputsAndTheLoss() {
        org.junit.jupiter.api.Assumptions.assumeTrue(device() == SIM.device(), "counted on the simulated device");
        Device DEV = SIM.device();
        Module m = ModelZoo.create("resnet", Map.of()).to(DEV);
        Tensor x = input("resnet", 4).to(DEV);
        int[] y = {0, 1, 2, 3};
        Optimizer opt = Optimizer.create("sgd", new ArrayList<>(m.parameters().values()), 1e-2f, 0f);
        m.train(true);
        long up = SIM.uploadedValues(), down = SIM.downloadedValues();
        Tensor loss = F.crossEntropy(m.call(x), y);
        loss.backward();
        opt.step();
        assertEquals(down, SIM.downloadedValues(), "values crossed to the host during a step");
        assertEquals(up + y.length, SIM.uploadedValues(), "uploaded besides the labels");
        loss.item();
        assertEquals(down + 1, SIM.downloadedValues());
    }
}
