package dev.galvani.cli;

import dev.galvani.attribution.conductance.Discretisation;
import dev.galvani.attribution.conductance.Quadrature;
import dev.galvani.attribution.conductance.TargetKind;
import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Tensor;
import dev.galvani.models.SavedModel;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The options every path-integral command shares (conductance, its peers, neuron conductance):
 * the checkpoint, which examples, the path (steps, nodes, discretisation, baseline), the target and
 * the memory bound.
 */
final class PathOptions {
    @Option(names = "--checkpoint", required = true) Path checkpoint;
    @Option(names = "--indices", defaultValue = "0-7", description = "Examples of the test split: 0-15 or 3,7,9 (default ${DEFAULT-VALUE})") String indices;
    @Option(names = "--input", split = ",", description = "Inputs instead of the test split: image files (PNG, JPEG; resized and centre-cropped to the model's input), .npy arrays, or folders of them; for the built-in nets also a 28x28 PNG or an IDX images .gz (with --index)") List<Path> input;
    @Option(names = "--index", defaultValue = "0") int index;
    @Option(names = "--text", description = "Sentences instead (text models), repeatable") List<String> text;
    @Option(names = "--steps", defaultValue = "50") int steps;
    @Option(names = "--method", defaultValue = "gausslegendre", description = "left, right, middle, trapezoid, gausslegendre") String method;
    @Option(names = "--discretisation", defaultValue = "jvp", description = "jvp (exact dy/da, the rule's own weights) or captum (Captum 0.8's scheme: activation differences for layer conductance, its step sizes for neuron conductance)") String discretisation;
    @Option(names = "--target", defaultValue = "logit", description = "logit, probability, log-probability") String target;
    @Option(names = "--class", description = "Target class for every example (default: the predicted class)") Integer targetClass;
    @Option(names = "--baseline", defaultValue = "zeros", description = "zeros (default; text: the padding embedding) or mean (the mean training image)") String baseline;
    @Option(names = "--max-rows", description = "Memory bound: most path rows (steps x examples) per pass (default: what fits the heap, at most 64)") Integer maxRows;
    @Option(names = "--seed", description = "Split seed of the held-out examples (default: the checkpoint's; another is refused)") Long seed;
    @Mixin ImageOptions imageOptions;

    Quadrature quadrature() {
        return Quadrature.parse(method);
    }

    Discretisation discretisation() {
        return Discretisation.parse(discretisation);
    }

    TargetKind targetKind() {
        return TargetKind.parse(target);
    }

    /** The examples named by --text, --input or --indices. */
    Inputs.Examples examples(SavedModel m, DataOptions data) {
        if (text != null) {
            if (!Inputs.isText(m)) throw new GalvaniException("--text needs a text model; this checkpoint is '" + m.architecture() + "'");
            return Inputs.sentences(m, text);
        }
        if (input != null && m.onnx() == null && input.size() == 1 && Inputs.isLegacyImage(input.get(0))) return Inputs.imageFile(m, input.get(0), index);
        if (input != null) return Inputs.files(m, input, imageOptions);
        if (m.onnx() != null && !Inputs.fitsImageData(m)) throw Inputs.noDataSet(checkpoint);
        return Inputs.fromTestSplit(m, data, indices, data.evaluation(m, checkpoint, null, null, seed));
    }

    /** Where a text model's path starts: the built-in net's embedding, or an imported model's token lookup. */
    String embeddingNode(SavedModel m) {
        if (m.onnx() == null) return "embedding";
        String e = m.onnx().embeddingNode();
        if (e == null) throw new GalvaniException(checkpoint + ": no Gather node reads the token ids, so there is no embedding to start the path at");
        return e;
    }

    /** --class for every example, or null (each example's predicted class). */
    int[] classes(int examples) {
        if (targetClass == null) return null;
        int[] cls = new int[examples];
        Arrays.fill(cls, targetClass);
        return cls;
    }

    /** The baseline named by --baseline: null for zeros (a text model's padding embedding), or the mean training image. */
    Tensor baseline(SavedModel m, DataOptions data) {
        return switch (baseline.toLowerCase(Locale.ROOT)) {
            case "zeros" -> null;
            case "mean" -> {
                if (Inputs.isText(m)) throw new GalvaniException("--baseline mean is for image models; a text model's baseline is the padding embedding");
                yield Inputs.meanTrainingImage(m, data, 2000);
            }
            default -> throw new GalvaniException("--baseline must be zeros or mean, got '" + baseline + "'");
        };
    }
}
