package dev.galvani.attribution.conductance;

import dev.galvani.engine.Rng;
import dev.galvani.engine.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * docs/methods.md §1.3: with the exact (JVP) discretisation, a layer that every path crosses has
 * Σ_y ∂F/∂y · dy/dα = dF/dα at every node, so its conductance total equals the integrated
 * gradients total node by node, and its conservation delta is IG's completeness delta.
 */
class ConservationIdentityTest {
    @Test void jvpLayerTotalEqualsIntegratedGradientsTotal() {
        // Biases make the ReLUs switch along the path, so the quadrature error is far from zero.
        LayerConductanceTest.Mlp net = new LayerConductanceTest.Mlp(7, 5, 16, 3, true);
        Tensor x = Tensor.randn(new Rng(8), 1f, 6, 5);
        for (Quadrature q : new Quadrature[] {Quadrature.GAUSS_LEGENDRE, Quadrature.RIEMANN_LEFT}) {
            AttributionResult r = new LayerConductance(net).layers("hidden", "act").steps(5).method(q)
                    .discretisation(Discretisation.JVP).attribute(x);
            double[] ig = AttributionResult.totalsOf(r.integratedGradients());
            for (String layer : new String[] {"hidden", "act"}) {
                double[] cond = r.layer(layer).totals();
                for (int i = 0; i < ig.length; i++) {
                    assertEquals(ig[i], cond[i], 1e-4 * Math.max(1, Math.abs(ig[i])), q + " " + layer + " example " + i);
                    assertEquals(r.inputDelta()[i], r.delta(layer)[i], 1e-4, q + " " + layer + " delta, example " + i);
                }
            }
            double worst = 0;
            for (double d : r.relativeInputDelta()) worst = Math.max(worst, d);
            assertTrue(worst > 1e-3, q + ": 5 steps should leave a visible quadrature error, got " + worst);
        }
    }
}
