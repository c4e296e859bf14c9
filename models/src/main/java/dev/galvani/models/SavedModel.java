package dev.galvani.models;

import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.nn.Module;
import dev.galvani.models.checkpoint.Safetensors;
import dev.galvani.models.data.DataSpec;
import dev.galvani.models.onnx.OnnxModel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A model with everything needed to use it again: architecture and hyper-parameters, weights and
 * the record of its data ({@link DataSpec}: data set, split, normalisation, vocabulary, class
 * names) — all in one safetensors file (weights under PyTorch's names, the rest in the header's
 * metadata), so a checkpoint alone is enough for {@code eval}, {@code predict} and attribution, and
 * every command scores it on the examples it held out.
 */
public record SavedModel(Module model, String architecture, Map<String, String> metadata, DataSpec data) {

    public static final String ARCHITECTURE = "architecture";

    /** The architecture name of models imported from ONNX files. */
    public static final String ONNX = "onnx";

    /** A model with its metadata; the data record is read from the metadata (without a warning where it has none). */
    public SavedModel(Module model, String architecture, Map<String, String> metadata) {
        this(model, architecture, metadata, DataSpec.fromMetadata(metadata, isText(architecture),
                Integer.parseInt(ModelZoo.defaults(architecture, metadata).get("classes")), "model '" + architecture + "'", w -> { }));
    }

    public static boolean isText(String architecture) {
        return architecture.equals("textcnn");
    }

    /** A text model: the text CNN, or an imported model that takes integers (token ids). */
    public boolean isText() {
        return isText(architecture) || (onnx() != null && onnx().integerInput());
    }

    /**
     * Builds the architecture from the metadata and loads the weights (strict names and shapes);
     * warnings go to stderr. An {@code .onnx} file is imported instead ({@link OnnxModel},
     * architecture {@value #ONNX}): it records no data split.
     */
    public static SavedModel load(Path path) {
        return load(path, System.err::println);
    }

    /** As {@link #load(Path)}, with warnings (an older checkpoint without a data record) given to {@code warn}. */
    public static SavedModel load(Path path, Consumer<String> warn) {
        if (!Files.isRegularFile(path)) throw new GalvaniException("checkpoint " + path + ": no such file");
        if (path.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".onnx")) {
            OnnxModel m = OnnxModel.load(path);
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("format", "onnx");
            meta.put("input_shape", OnnxModel.describe(m.inputShape()));
            int[] out = m.outputShape();
            int classes = out.length == 2 ? out[1] : 1;
            return new SavedModel(m, ONNX, meta, DataSpec.fromMetadata(Map.of(), m.integerInput(), classes, path.toString(), w -> { }));
        }
        Safetensors.Contents c = Safetensors.read(path);
        Map<String, String> meta = c.metadata();
        String where = "checkpoint " + path;
        String arch = meta.get(ARCHITECTURE);
        if (arch == null) throw new GalvaniException(where + ": no 'architecture' in its metadata (not a Galvani checkpoint?)");
        if (!ModelZoo.NAMES.contains(arch)) throw new GalvaniException(where + ": unknown architecture '" + arch + "'");
        Map<String, String> hyper = new LinkedHashMap<>();
        for (String k : ModelZoo.defaults(arch, Map.of()).keySet()) if (meta.containsKey(k)) hyper.put(k, meta.get(k));
        Module m;
        try {
            m = ModelZoo.create(arch, hyper);
        } catch (NumberFormatException e) {
            throw new GalvaniException(where + ": a hyper-parameter in its metadata is not a number (" + e.getMessage() + ")");
        } catch (GalvaniException e) {
            throw new GalvaniException(where + ": " + e.getMessage());
        }
        Map<String, Tensor> weights = new LinkedHashMap<>(c.tensors());
        weights.keySet().removeIf(k -> k.startsWith("fixture."));
        try {
            m.loadStateDict(weights);
        } catch (GalvaniException e) {
            throw new GalvaniException(where + " does not match model '" + arch + "': " + e.getMessage());
        }
        for (Map.Entry<String, Tensor> e : weights.entrySet()) {
            for (float v : e.getValue().data()) {
                if (!Float.isFinite(v)) throw new GalvaniException(where + ": tensor '" + e.getKey() + "' holds " + v);
            }
        }
        Map<String, String> h = ModelZoo.defaults(arch, hyper);
        DataSpec data = DataSpec.fromMetadata(meta, isText(arch), Integer.parseInt(h.get("classes")), where, warn);
        if (data.vocabulary() != null && data.vocabulary().size() != Integer.parseInt(h.get("vocab"))) {
            throw new GalvaniException(where + ": its vocabulary has " + data.vocabulary().size() + " words for an embedding of " + h.get("vocab"));
        }
        m.eval();
        return new SavedModel(m, arch, meta, data);
    }

    /** Writes atomically: weights, architecture, hyper-parameters, the data record and any extra metadata. */
    public void save(Path path) {
        Map<String, String> meta = new LinkedHashMap<>(metadata);
        if (data.recorded()) meta.putAll(data.toMetadata());
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
