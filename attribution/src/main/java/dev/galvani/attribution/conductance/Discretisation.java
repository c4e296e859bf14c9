package dev.galvani.attribution.conductance;

/**
 * How {@code dy/dα} is discretised in conductance (docs/methods.md §1.3).
 */
public enum Discretisation {
    /**
     * Captum 0.8's {@code LayerConductance}: {@code m+1} nodes of the method, gradient at the left
     * node times the activation difference to the next; quadrature weights unused. Same numbers as
     * Captum for the same weights, steps and method (including its telescoping flaw with nodes
     * that do not start at 0 and end at 1).
     */
    CAPTUM,
    /** {@code dy/dα} exactly by forward mode (JVP along {@code x − x'}), with the method's weights. */
    JVP
}
