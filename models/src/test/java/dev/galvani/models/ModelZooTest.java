package dev.galvani.models;

import dev.galvani.engine.Rng;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.nn.Module;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class ModelZooTest {

    @Test void everyArchitectureRunsAndNamesItsNodes() {
        for (String arch : ModelZoo.NAMES) {
            Module m = ModelZoo.create(arch, Map.of());
            Tensor x = arch.equals("textcnn") ? Tensor.of(new float[] {2, 3, 4, 5, 6, 7, 8, 9, 1, 0, 0, 0, 5, 4, 3, 2, 1, 1, 1, 1, 0, 0, 0, 0}, 2, 12)
                    : Tensor.randn(new Rng(1), 1f, 2, 1, 28, 28);
            Tensor y = m.call(x);
            assertArrayEquals(new int[] {2, arch.equals("textcnn") ? 2 : 10}, y.shape(), arch);
            // Backward reaches every parameter.
            y.sum().backward();
            for (Map.Entry<String, Tensor> p : m.parameters().entrySet()) {
                assertNotNull(p.getValue().grad, arch + ": no gradient for " + p.getKey());
            }
        }
    }

    @Test void inceptionFollowsGoogLeNetNames() {
        Module m = ModelZoo.create("inception", Map.of());
        List<String> names = List.copyOf(m.namedModules().keySet());
        for (String n : List.of("conv1", "conv2", "inception3a", "inception3a.branch1", "inception3a.branch2.1",
                "inception3a.branch3.2", "inception3a.branch4.1", "inception3b", "inception4a", "fc")) {
            assertTrue(names.contains(n), n);
        }
        assertTrue(m.stateDict().containsKey("inception3a.branch2.1.bn.running_var"));
        List<ModelSummary.Row> rows = ModelSummary.of(m, ModelZoo.exampleInput("inception"));
        ModelSummary.Row block = rows.stream().filter(r -> r.name().equals("inception3a")).findFirst().orElseThrow();
        assertArrayEquals(new int[] {1, 112, 14, 14}, block.outputShape());
    }

    @Test void textCnnIsKims() {
        Module m = ModelZoo.create("textcnn", Map.of("vocab", "100"));
        assertArrayEquals(new int[] {100, 128}, m.stateDict().get("embedding.weight").shape());
        assertArrayEquals(new int[] {100, 128, 4}, m.stateDict().get("conv4.conv.weight").shape());
        assertArrayEquals(new int[] {2, 300}, m.stateDict().get("fc.weight").shape());
        // The padding row stays zero (the text baseline).
        float[] w = m.stateDict().get("embedding.weight").data();
        for (int i = 0; i < 128; i++) assertEquals(0f, w[i]);
    }

    @Test void sameSeedSameWeights() {
        Module a = ModelZoo.create("resnet", Map.of("seed", "3")), b = ModelZoo.create("resnet", Map.of("seed", "3"));
        for (String k : a.stateDict().keySet()) assertArrayEquals(a.stateDict().get(k).data(), b.stateDict().get(k).data(), k);
    }

    @Test void batchNormRunningStatisticsFollowPyTorch() {
        Module m = ModelZoo.create("resnet", Map.of());
        Tensor x = Tensor.randn(new Rng(2), 2f, 4, 1, 28, 28);
        m.train(true);
        m.call(x);
        Tensor rm = m.stateDict().get("bn1.running_mean"), nb = m.stateDict().get("bn1.num_batches_tracked");
        assertEquals(1f, nb.item());
        // running_mean = 0.9 * 0 + 0.1 * batch mean of conv1's output
        assertNotEquals(0f, rm.data()[0]);
        m.eval();
        Tensor y1 = m.call(x), y2 = m.call(x);
        assertArrayEquals(y1.data(), y2.data(), "evaluation is deterministic and does not update statistics");
        assertEquals(1f, nb.item());
    }

    @Test void unknownArchitectureIsAClearError() {
        var e = assertThrows(dev.galvani.engine.GalvaniException.class, () -> ModelZoo.create("lenet", Map.of()));
        assertTrue(e.getMessage().contains("unknown model 'lenet'"), e.getMessage());
    }
}
