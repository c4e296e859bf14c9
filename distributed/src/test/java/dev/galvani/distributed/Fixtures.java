package dev.galvani.distributed;

import dev.galvani.engine.Tensor;
import dev.galvani.engine.nn.Module;
import dev.galvani.models.ModelZoo;
import dev.galvani.models.SavedModel;
import dev.galvani.models.data.DataSpec;
import dev.galvani.models.data.Splits;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Random-weight checkpoints on the built-in generated data (numbers, not accuracy, are under test).
 * Their biases are random too, not the initial zeros, so that the all-zero baseline input has
 * activations (else patching a unit to its baseline value would be zeroing it).
 */
public final class Fixtures {
    private Fixtures() {}

    public static Path checkpoint(Path dir, String arch, long seed) {
        Map<String, String> hyper = ModelZoo.defaults(arch, Map.of("seed", Long.toString(seed)));
        DataSpec data = Splits.prepare(DataSpec.request("generated", false, 0, 0, 0, null), null).spec(); // as training records it
        Path p = dir.resolve(arch + "-" + seed + ".safetensors");
        new SavedModel(withRandomBiases(ModelZoo.create(arch, hyper), seed), arch, new LinkedHashMap<>(hyper), data).save(p);
        return p;
    }

    /** A random-weight text CNN (embedding 16, 8 filters per width) with the vocabulary of the generated sentences (split seed {@code seed}). */
    public static Path textCheckpoint(Path dir, long seed) {
        DataSpec data = Splits.prepare(DataSpec.request("generated-sentiment", true, 0, seed, 0, null), null).spec();
        Map<String, String> hyper = ModelZoo.defaults("textcnn", Map.of("seed", Long.toString(seed), "vocab", Integer.toString(data.vocabulary().size()),
                "dim", "16", "filters", "8"));
        Path p = dir.resolve("textcnn-" + seed + ".safetensors");
        new SavedModel(withRandomBiases(ModelZoo.create("textcnn", hyper), seed), "textcnn", new LinkedHashMap<>(hyper), data).save(p);
        return p;
    }

    /** Every bias (and batch-norm shift) drawn from N(0, 0.1²), seeded. */
    static Module withRandomBiases(Module m, long seed) {
        Random rng = new Random(seed);
        for (Map.Entry<String, Tensor> e : m.parameters().entrySet()) {
            if (!e.getKey().endsWith("bias")) continue;
            float[] d = e.getValue().data();
            for (int i = 0; i < d.length; i++) d[i] = (float) (0.1 * rng.nextGaussian());
        }
        return m;
    }
}
