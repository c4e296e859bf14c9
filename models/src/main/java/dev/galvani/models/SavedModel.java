package dev.galvani.models;

import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.nn.Module;
import dev.galvani.models.checkpoint.Safetensors;
import dev.galvani.models.onnx.OnnxModel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A model with everything needed to use it again: architecture and hyper-parameters, weights,
 * the input normalisation and, for text models, the vocabulary — all in one safetensors file
 * (weights under PyTorch's names, the rest in the header's metadata), so a checkpoint alone is
 * enough for {@code eval}, {@code predict} and attribution.
 */
public record SavedModel(Module model, String architecture, Map<String, String> metadata) {

    public static final String ARCHITECTURE = "architecture";

    /** The architecture name of models imported from ONNX files. */
    public static final String ONNX = "onnx";

    /**
     * Builds the architecture from the metadata and loads the weights (strict names and shapes);
     * an {@code .onnx} file is imported instead ({@link OnnxModel}: architecture {@value #ONNX}).
     */
    public static SavedModel load(Path path) {
        if (!Files.isRegularFile(path)) throw new GalvaniException("checkpoint " + path + ": no such file");
        if (path.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".onnx")) {
            OnnxModel m = OnnxModel.load(path);
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("format", "onnx");
            meta.put("input_shape", OnnxModel.describe(m.inputShape()));
            return new SavedModel(m, ONNX, meta);
        }
        Safetensors.Contents c = Safetensors.read(path);
        Map<String, String> meta = c.metadata();
        String arch = meta.get(ARCHITECTURE);
        if (arch == null) throw new GalvaniException("checkpoint " + path + ": no 'architecture' in its metadata (not a Galvani checkpoint?)");
        Map<String, String> hyper = new LinkedHashMap<>();
        for (String k : ModelZoo.defaults(arch, Map.of()).keySet()) if (meta.containsKey(k)) hyper.put(k, meta.get(k));
        Module m = ModelZoo.create(arch, hyper);
        Map<String, Tensor> weights = new LinkedHashMap<>(c.tensors());
        weights.keySet().removeIf(k -> k.startsWith("fixture."));
        try {
            m.loadStateDict(weights);
        } catch (GalvaniException e) {
            throw new GalvaniException("checkpoint " + path + " does not match model '" + arch + "': " + e.getMessage());
        }
        for (Map.Entry<String, Tensor> e : weights.entrySet()) {
            for (float v : e.getValue().data()) {
                if (!Float.isFinite(v)) throw new GalvaniException("checkpoint " + path + ": tensor '" + e.getKey() + "' holds " + v);
            }
        }
        m.eval();
        return new SavedModel(m, arch, meta);
    }

    /** Writes atomically: weights, architecture, hyper-parameters and any extra metadata. */
    public void save(Path path) {
        Map<String, String> meta = new LinkedHashMap<>(metadata);
        meta.put(ARCHITECTURE, architecture);
        Safetensors.write(path, model.stateDict(), meta);
    }

    /** Puts the model in evaluation mode (and returns it). */
    public Module eval() {
        model.eval();
        return model;
    }

    /** The imported ONNX model, or null for a Galvani checkpoint. */
    public OnnxModel onnx() {
        return model instanceof OnnxModel o ? o : null;
    }

    public String get(String key, String fallback) {
        return metadata.getOrDefault(key, fallback);
    }
}
