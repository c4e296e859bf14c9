package dev.galvani.attribution.conductance;

import dev.galvani.engine.GalvaniException;

import java.util.Locale;

/** The scalar {@code F} that attribution explains, for a chosen class (docs/methods.md §0). */
public enum TargetKind {
    LOGIT, PROBABILITY, LOG_PROBABILITY;

    /** The command line's and the output files' spelling: logit, probability, log-probability. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static TargetKind parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "")) {
            case "logit" -> LOGIT;
            case "prob", "probability" -> PROBABILITY;
            case "logprob", "logprobability" -> LOG_PROBABILITY;
            default -> throw new GalvaniException("unknown target '" + s + "'; use logit, probability or log-probability");
        };
    }
}
