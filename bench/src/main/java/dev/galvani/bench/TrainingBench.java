package dev.galvani.bench;

import dev.galvani.engine.F;
import dev.galvani.engine.Rng;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.nn.Module;
import dev.galvani.kernels.Backends;
import dev.galvani.models.ModelZoo;
import dev.galvani.models.train.Optimizer;

import java.util.ArrayList;
import java.util.Locale;
import java.util.Map;

/** Training throughput (images/s) of a model: forward, backward and an Adam step on random data. */
public final class TrainingBench {
    private TrainingBench() {}

    /** One run: the model, the batch size, the optimizer steps timed, and images per second. */
    public record Result(String model, int batch, int iterations, double imagesPerSecond) {
        public String text() {
            return String.format(Locale.ROOT, "%s training, batch %d, %d iterations: %.1f images/s (jdk %s, %s)%n", model, batch, iterations,
                    imagesPerSecond, Runtime.version(), Backends.current().name());
        }

        public Map<String, Object> json() {
            Map<String, Object> j = new java.util.LinkedHashMap<>();
            j.put("benchmark", "training");
            j.put("model", model);
            j.put("batch", batch);
            j.put("iterations", iterations);
            j.put("images_per_second", imagesPerSecond);
            j.put("machine", Machine.describe());
            return j;
        }
    }

    public static Result run(String arch, int batch, int iterations) {
        return new Result(arch, batch, iterations, imagesPerSecond(arch, batch, iterations));
    }

    public static double imagesPerSecond(String arch, int batch, int steps) {
        Module m = ModelZoo.create(arch, Map.of());
        m.train(true);
        Rng rng = new Rng(0);
        Tensor x = Tensor.randn(rng, 1f, batch, 1, 28, 28);
        int[] y = new int[batch];
        for (int i = 0; i < batch; i++) y[i] = rng.nextInt(10);
        Optimizer opt = Optimizer.create("adam", new ArrayList<>(m.parameters().values()), 1e-3f, 0f);
        for (int i = 0; i < 2; i++) step(m, x, y, opt);
        long t0 = System.nanoTime();
        for (int i = 0; i < steps; i++) step(m, x, y, opt);
        return batch * steps / ((System.nanoTime() - t0) / 1e9);
    }

    private static void step(Module m, Tensor x, int[] y, Optimizer opt) {
        F.crossEntropy(m.call(x), y).backward();
        opt.step();
    }

    public static void main(String[] args) {
        String arch = args.length > 0 ? args[0] : "inception";
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 64, steps = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        System.out.printf(Locale.ROOT, "%s training, batch %d: %.1f images/s (jdk %s, %s)%n", arch, batch,
                imagesPerSecond(arch, batch, steps), Runtime.version(), Backends.current().name());
    }
}
