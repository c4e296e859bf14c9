package dev.galvani.attribution.conductance;

import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.nn.Module;

/**
 * What every path attribution of a model is set up with: the straight path's number of nodes, the
 * quadrature rule, the discretisation of {@code dy/dα}, the target output, where the path starts
 * and its baseline (docs/methods.md §1). {@link LayerConductance} and {@link NeuronConductance}
 * share these settings and their defaults; each adds its own.
 *
 * @param <S> the attribution itself, so that the setters chain
 */
public abstract sealed class PathSettings<S extends PathSettings<S>> permits LayerConductance, NeuronConductance {
    final Module model;
    int steps = 50;
    Quadrature method = Quadrature.GAUSS_LEGENDRE;
    Discretisation discretisation = Discretisation.JVP;
    TargetKind target = TargetKind.LOGIT;
    String pathNode;   // null: the model input
    Tensor baseline;   // null: zeros

    PathSettings(Module model) {
        this.model = model;
    }

    @SuppressWarnings("unchecked")
    private S self() {
        return (S) this;
    }

    /** Number of path steps {@code m} (Captum's {@code n_steps}). */
    public S steps(int m) {
        if (m < 1) throw new GalvaniException("--steps must be at least 1, got " + m);
        this.steps = m;
        return self();
    }

    /** The quadrature rule along the path (default Gauss-Legendre). */
    public S method(Quadrature q) {
        this.method = q;
        return self();
    }

    /** How {@code dy/dα} is taken: exactly by forward mode (default), or as Captum's differences. */
    public S discretisation(Discretisation d) {
        this.discretisation = d;
        return self();
    }

    /** The output attributed: the target class's logit (default), probability or log-probability. */
    public S target(TargetKind t) {
        this.target = t;
        return self();
    }

    /** Start the path at this node's output instead of the model input. */
    public S pathFrom(String node) {
        model.module(node); // fails early, with the nearest names
        this.pathNode = node;
        return self();
    }

    /** The baseline {@code x'} (input space, or the path node's space), broadcastable per example; default zeros. */
    public S baseline(Tensor b) {
        this.baseline = b;
        return self();
    }
}
