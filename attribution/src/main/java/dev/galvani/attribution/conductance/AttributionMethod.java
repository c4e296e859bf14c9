package dev.galvani.attribution.conductance;

import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Tensor;

import java.util.Locale;

/**
 * The scores one {@link LayerConductance} pass yields, by the names the command line and the
 * output files use (docs/methods.md §1): each one's per-unit tensor, whether it conserves
 * {@code F(x) − F(x')}, and its units.
 */
public enum AttributionMethod {
    /** Layer conductance (Dhamdhere et al. 2018): sums to {@code F(x) − F(x')} over a layer every path crosses. */
    CONDUCTANCE("conductance"),
    /** Integrated gradients at the path start (Sundararajan et al. 2017): sums to {@code F(x) − F(x')}. */
    INTEGRATED_GRADIENTS("ig"),
    /** Internal influence (Leino et al. 2018): the gradient of F with respect to the layer, integrated along the path. */
    INTERNAL_INFLUENCE("internal-influence"),
    /** Gradient times activation of the layer, at x. */
    GRADIENT_X_ACTIVATION("grad-x-act"),
    /** The layer's activation at x. */
    ACTIVATION("activation");

    private final String key;

    AttributionMethod(String key) {
        this.key = key;
    }

    /** The command's and the JSON's name: conductance, ig, internal-influence, grad-x-act, activation. */
    public String key() {
        return key;
    }

    public static AttributionMethod parse(String s) {
        String k = s.toLowerCase(Locale.ROOT);
        for (AttributionMethod m : values()) if (m.key.equals(k) || m.name().toLowerCase(Locale.ROOT).equals(k)) return m;
        throw new GalvaniException("unknown attribution method '" + s + "'; use conductance, ig, internal-influence, grad-x-act or activation");
    }

    /** Whether the method scores named layers (all but integrated gradients, which scores the path start). */
    public boolean scoresLayers() {
        return this != INTEGRATED_GRADIENTS;
    }

    /** Whether a layer's scores should sum to {@code F(x) − F(x')} (so that its conservation delta means something). */
    public boolean conserves() {
        return this == CONDUCTANCE || this == INTEGRATED_GRADIENTS;
    }

    /** This method's per-unit scores of one layer, [N, ...layer shape]. */
    public Tensor scores(AttributionResult.Layer layer) {
        return switch (this) {
            case CONDUCTANCE -> layer.conductance();
            case INTERNAL_INFLUENCE -> layer.internalInfluence();
            case GRADIENT_X_ACTIVATION -> layer.gradTimesActivation();
            case ACTIVATION -> layer.activation();
            case INTEGRATED_GRADIENTS -> throw new GalvaniException("integrated gradients score the path start, not layer '" + layer.name() + "'");
        };
    }

    /** Whether the method integrates along the path (conductance, IG, internal influence); the others are read at x alone. */
    public boolean onPath() {
        return this == CONDUCTANCE || this == INTEGRATED_GRADIENTS || this == INTERNAL_INFLUENCE;
    }

    /** Whether the method differentiates F (all but activations), so that the target class and F's kind matter. */
    public boolean usesTarget() {
        return this != ACTIVATION;
    }

    /**
     * Sets up a pass for this method: integrated gradients need the backward pass down to the path
     * start, the others stop at the deepest layer; activations and gradient x activation need no path.
     */
    public LayerConductance configure(LayerConductance lc) {
        return lc.integratedGradients(this == INTEGRATED_GRADIENTS).pathIntegral(onPath());
    }

    /** The units of the scores, given what F is. */
    public String units(TargetKind f) {
        String of = f.label();
        return switch (this) {
            case CONDUCTANCE, INTEGRATED_GRADIENTS, GRADIENT_X_ACTIVATION -> of;
            case INTERNAL_INFLUENCE -> of + " per unit of activation";
            case ACTIVATION -> "activation";
        };
    }
}
