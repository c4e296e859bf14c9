package dev.galvani.cli;

import dev.galvani.attribution.conductance.Discretisation;
import dev.galvani.attribution.conductance.Quadrature;
import dev.galvani.attribution.conductance.TargetKind;
import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Tensor;
import dev.galvani.models.SavedModel;
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
    @Option(names = "--input", description = "An image file instead: 28x28 PNG, or IDX images .gz (with --index)") Path input;
    @Option(names = "--index", defaultValue = "0") int index;
    @Option(names = "--text", description = "Sentences instead (text models), repeatable") List<String> text;
    @Option(names = "--steps", defaultValue = "50") int steps;
    @Option(names = "--method", defaultValue = "gausslegendre", description = "left, right, middle, trapezoid, gausslegendre") String method;
    @Option(names = "--discretisation", defaultValue = "jvp", description = "jvp (exact dy/da, the rule's own weights) or captum (Captum 0.8's scheme: activation differences for layer conductance, its step sizes for neuron conductance)") String discretisation;
    @Option(names = "--target", defaultValue = "logit", description = "logit, probability, log-probability") String target;
    @Option(names = "--class", description = "Target class for every example (default: the predicted class)") Integer targetClass;
    @Option(names = "--baseline", defaultValue = "zeros", description = "zeros (default; text: the padding embedding) or mean (the mean training image)") String baseline;
    @Option(names = "--max-rows", defaultValue = "64", description = "Memory bound: most path rows (steps x examples) per pass (default ${DEFAULT-VALUE})") int maxRows;
    @Option(names = "--seed", defaultValue = "0") long seed;

    Quadrature quadrature() {
        return Quadrature.parse(method);
    }

    Discretisation discretisation() {
        return switch (discretisation.toLowerCase(Locale.ROOT)) {
            case "jvp" -> Discretisation.JVP;
            case "captum" -> Discretisation.CAPTUM;
            default -> throw new GalvaniException("--discretisation must be jvp or captum, got '" + discretisation + "'");
        };
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
        if (input != null) return Inputs.imageFile(m, input, index);
        return Inputs.fromTestSplit(m, data, indices, seed);
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
