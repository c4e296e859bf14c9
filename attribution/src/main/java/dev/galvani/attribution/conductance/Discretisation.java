package dev.galvani.attribution.conductance;

import dev.galvani.engine.GalvaniException;

import java.util.Locale;

/**
 * How conductance {@code ∫ ∂F/∂y · dy/dα dα} is discretised (docs/methods.md §1.3).
 */
public enum Discretisation {
    /**
     * Captum 0.8's {@code LayerConductance}: {@code m+1} nodes of the method, gradient at the left
     * node times the activation difference to the next; quadrature weights unused. Same numbers as
     * Captum for the same weights, steps and method (including its telescoping flaw with nodes
     * that do not start at 0 and end at 1).
     */
    CAPTUM,
    /**
     * {@code dy/dα} exactly by forward mode (JVP along {@code x − x'}), on the method's {@code m}
     * nodes with its weights.
     */
    JVP;

    public static Discretisation parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "jvp" -> JVP;
            case "captum" -> CAPTUM;
            default -> throw new GalvaniException("--discretisation must be jvp or captum, got '" + s + "'");
        };
    }
}
