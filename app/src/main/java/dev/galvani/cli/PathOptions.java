package dev.galvani.cli;

import dev.galvani.attribution.conductance.Discretisation;
import dev.galvani.attribution.conductance.Quadrature;
import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Tensor;
import dev.galvani.models.ModelInputs;
import dev.galvani.models.SavedModel;
import picocli.CommandLine.Option;

import java.util.Locale;

/** The straight path of a path integral (docs/methods.md §1): nodes, rule, discretisation, baseline, and the rows per pass. */
final class PathOptions {
    @Option(names = "--steps", defaultValue = "50", description = "Integration steps: nodes of the quadrature along the path (Captum's n_steps).")
    int steps;

    @Option(names = "--method", defaultValue = "gausslegendre", paramLabel = "RULE",
            description = "Quadrature rule: gausslegendre, left, right, middle or trapezoid (Captum's names riemann_left, ... also work).")
    String method;

    @Option(names = "--discretisation", defaultValue = "jvp", paramLabel = "SCHEME",
            description = "jvp (exact dy/da, the rule's own weights) or captum (Captum 0.8's scheme: activation differences for layer conductance, its step sizes for neuron conductance).")
    String discretisation;

    @Option(names = "--baseline", defaultValue = "zeros", paramLabel = "KIND",
            description = "Where the path starts: zeros (for a text model, the padding embedding) or mean (the mean training image).")
    String baseline;

    @Option(names = "--max-rows", paramLabel = "N",
            description = "Memory bound: most path rows (examples x steps) in one pass, as Captum's internal_batch_size (default: what half the free heap holds, at most 64).")
    Integer maxRows;

    Quadrature quadrature() {
        return Quadrature.parse(method);
    }

    Discretisation discretisation() {
        return Discretisation.parse(discretisation);
    }

    /** The baseline named by --baseline: null for zeros (a text model's padding embedding), or the mean training image. */
    Tensor baseline(SavedModel m, DataOptions data) {
        return switch (baseline.toLowerCase(Locale.ROOT)) {
            case "zeros" -> null;
            case "mean" -> ModelInputs.meanTrainingImage(m, data.dataDir, 2000);
            default -> throw new GalvaniException("--baseline must be zeros or mean, got '" + baseline + "'");
        };
    }
}
