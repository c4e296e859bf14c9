package dev.galvani.attribution.conductance;

import dev.galvani.engine.Tensor;
import dev.galvani.engine.nn.Module;
import dev.galvani.models.ModelZoo;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The path can start at a named node: a text CNN's embedding, with the padding embedding (zero) as baseline. */
class TextPathTest {
    @Test void conductanceFromTheEmbeddingConservesAtTheFeatures() {
        Module net = ModelZoo.create("textcnn", Map.of("vocab", "30", "dim", "8", "filters", "6", "seed", "2"));
        Tensor ids = Tensor.of(new float[] {3, 7, 9, 2, 11, 0, 0, 5, 6, 7, 8, 9, 10, 12}, 2, 7);
        AttributionResult r = new LayerConductance(net).layers("features", "conv4.pool").pathFrom("embedding").steps(64)
                .discretisation(Discretisation.JVP).attribute(ids, new int[] {1, 0});
        for (double d : r.relativeDelta("features")) assertTrue(d < 0.02, "delta at features " + d);
        // Integrated gradients over the embedding are complete too, and live in [N, T, D].
        assertArrayEquals(new int[] {2, 7, 8}, r.integratedGradients().shape());
        for (double d : r.relativeInputDelta()) assertTrue(d < 0.02, "IG delta " + d);
        // A padding position has zero embedding at x and x', so its IG is exactly zero.
        for (int k = 0; k < 8; k++) assertEquals(0.0, Math.abs(r.integratedGradients().get(0, 5, k)), 0.0);
    }
}
