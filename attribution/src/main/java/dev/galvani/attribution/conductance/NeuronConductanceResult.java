package dev.galvani.attribution.conductance;

import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Tensor;

import java.util.List;

/**
 * What one {@link NeuronConductance} call yields: for each example, each selected unit's or
 * filter's breakdown over the input ([selected, ...input shape]; empty when they went to a sink),
 * the breakdowns' sums over the input (each selection's conductance), {@code F(x)}, {@code F(x')},
 * and how the Jacobians were taken and why.
 *
 * @param layerShape one example's layer output shape
 * @param inputShape one example's path start shape (the input, or the path node's output)
 * @param totals     [examples][selected]: {@code Σ_i Cond_j(x_i)}
 * @param seconds    wall time of the call
 */
public record NeuronConductanceResult(String layer, NeuronConductance.Kind kind, int[] indices, int[] layerShape,
                                      int[] inputShape, NeuronConductance.Mode mode, String reason,
                                      List<Tensor> breakdowns, double[][] totals, float[] f, float[] fBaseline,
                                      int[] classes, int steps, Quadrature method, Discretisation discretisation,
                                      TargetKind target, double seconds) {

    NeuronConductanceResult withBreakdowns(List<Tensor> all) {
        return new NeuronConductanceResult(layer, kind, indices, layerShape, inputShape, mode, reason, List.copyOf(all),
                totals, f, fBaseline, classes, steps, method, discretisation, target, seconds);
    }

    public int examples() {
        return f.length;
    }

    /** Example {@code e}'s breakdown, [selected, ...input shape]. */
    public Tensor breakdown(int e) {
        if (breakdowns.isEmpty()) throw new GalvaniException("the breakdowns went to a sink and were not kept");
        return breakdowns.get(e);
    }

    /** {@code F(x) − F(x')} per example. */
    public double[] gap() {
        double[] g = new double[f.length];
        for (int i = 0; i < g.length; i++) g[i] = (double) f[i] - fBaseline[i];
        return g;
    }
}
