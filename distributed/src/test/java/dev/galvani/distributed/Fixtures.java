package dev.galvani.distributed;

import dev.galvani.models.ModelZoo;
import dev.galvani.models.SavedModel;
import dev.galvani.models.data.DataSpec;
import dev.galvani.models.data.Splits;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Random-weight checkpoints on the built-in generated images (numbers, not accuracy, are under test). */
public final class Fixtures {
    private Fixtures() {}

    public static Path checkpoint(Path dir, String arch, long seed) {
        Map<String, String> hyper = ModelZoo.defaults(arch, Map.of("seed", Long.toString(seed)));
        DataSpec data = Splits.prepare(DataSpec.request("generated", false, 0, 0, 0, null), null).spec(); // as training records it
        Path p = dir.resolve(arch + "-" + seed + ".safetensors");
        new SavedModel(ModelZoo.create(arch, hyper), arch, new LinkedHashMap<>(hyper), data).save(p);
        return p;
    }
}
