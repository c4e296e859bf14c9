package dev.galvani.models.train;

import dev.galvani.engine.F;
import dev.galvani.engine.Rng;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.nn.Module;
import dev.galvani.kernels.Parallel;
import dev.galvani.models.ModelZoo;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * Same seed, same numbers, at any thread count: two Adam steps of each image architecture, once
 * as the library runs them (kernels split over the pool's threads) and once inside one worker
 * (where nothing splits), must leave bit-identical parameters. The batch is large enough that the
 * convolution, batch-norm, pooling and elementwise kernels split when they may.
 */
class ThreadCountInvarianceTest {

    private static List<float[]> train(String arch) {
        Module m = ModelZoo.create(arch, Map.of("seed", "3"));
        m.train(true);
        Rng rng = new Rng(7);
        Tensor x = Tensor.randn(rng, 1f, 16, 1, 28, 28);
        int[] y = new int[16];
        for (int i = 0; i < y.length; i++) y[i] = rng.nextInt(10);
        Optimizer opt = Optimizer.create("adam", new ArrayList<>(m.parameters().values()), 1e-2f, 0f);
        for (int s = 0; s < 2; s++) {
            F.crossEntropy(m.call(x), y).backward();
            opt.step();
        }
        List<float[]> out = new ArrayList<>();
        for (Tensor p : m.parameters().values()) out.add(p.data().clone());
        return out;
    }

    @Test
    void trainingStepsAreBitIdenticalOnOneThreadAndOnTheirOwn() {
        for (String arch : List.of("inception", "resnet", "mobilenetv2", "vgg", "alexnet")) {
            List<float[]> pooled = train(arch);
            java.util.function.Supplier<List<float[]>> job = () -> train(arch);
            List<float[]> single = Parallel.map(List.of(job)).get(0);
            for (int i = 0; i < pooled.size(); i++) assertArrayEquals(single.get(i), pooled.get(i), arch + " parameter " + i);
        }
    }
}
