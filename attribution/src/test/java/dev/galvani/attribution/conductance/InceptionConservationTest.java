package dev.galvani.attribution.conductance;

import dev.galvani.engine.Rng;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.nn.Module;
import dev.galvani.models.ModelZoo;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Layerwise conservation (docs/methods.md §1.8): every path from input to output crosses an Inception
 * block's concatenated output, so its conductances sum to F(x) − F(x'); a single branch does not.
 */
class InceptionConservationTest {
    @Test void blockOutputConservesAndABranchDoesNot() {
        Module net = ModelZoo.create("inception", Map.of("width", "0.5", "seed", "4"));
        Tensor x = Tensor.randn(new Rng(8), 1f, 2, 1, 28, 28);
        AttributionResult r = new LayerConductance(net).layers("inception3a", "inception3a.branch2", "inception4a")
                .steps(64).method(Quadrature.GAUSS_LEGENDRE).discretisation(Discretisation.JVP).maxRows(64).attribute(x);
        for (int i = 0; i < 2; i++) {
            assertTrue(r.relativeDelta("inception3a")[i] < 0.05, "block 3a delta " + r.relativeDelta("inception3a")[i]);
            assertTrue(r.relativeDelta("inception4a")[i] < 0.05, "block 4a delta " + r.relativeDelta("inception4a")[i]);
            assertTrue(r.relativeDelta("inception3a.branch2")[i] > 0.05, "a branch alone should not conserve: "
                    + r.relativeDelta("inception3a.branch2")[i]);
        }
        // Filter conductance is the per-channel sum over positions: [N, 56] for width 0.5.
        assertArrayEquals(new int[] {2, 56}, r.layer("inception3a").filterConductance().shape());
    }
}
