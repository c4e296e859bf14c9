package dev.galvani.cli;

import dev.galvani.attribution.conductance.TargetKind;
import picocli.CommandLine.Option;

import java.util.Arrays;

/** What is attributed: the class ({@code --target}, Captum's {@code target}) and which of its outputs is F ({@code --target-output}). */
final class TargetOptions {
    @Option(names = "--target", paramLabel = "CLASS", description = "The class attributed for every example, as Captum's target (default: each example's predicted class).")
    Integer target;

    @Option(names = "--target-output", defaultValue = "logit", paramLabel = "KIND", description = "What F is for the target class: logit, probability or log-probability.")
    String output;

    TargetKind kind() {
        return TargetKind.parse(output);
    }

    /** --target for every example, or null (each example's predicted class). */
    int[] classes(int examples) {
        if (target == null) return null;
        int[] cls = new int[examples];
        Arrays.fill(cls, target);
        return cls;
    }
}
