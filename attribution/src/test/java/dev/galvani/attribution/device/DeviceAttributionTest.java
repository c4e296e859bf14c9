package dev.galvani.attribution.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.galvani.attribution.ablation.Ablation;
import dev.galvani.attribution.conductance.AttributionResult;
import dev.galvani.attribution.conductance.Discretisation;
import dev.galvani.attribution.conductance.LayerConductance;
import dev.galvani.attribution.interactions.extract.MaskedPasses;
import dev.galvani.attribution.interactions.extract.Players;
import dev.galvani.attribution.interactions.extract.Readout;
import dev.galvani.attribution.interactions.extract.LinearReadout;
import dev.galvani.models.data.GeneratedImages;
import dev.galvani.models.data.ImageDataset;
import dev.galvani.attribution.activations.LayerActivations;
import dev.galvani.engine.Rng;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.nn.Module;
import dev.galvani.kernels.Device;
import dev.galvani.kernels.SimulatedBackend;
import dev.galvani.models.ModelZoo;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Conductance (both discretisations, with integrated gradients and internal influence), ablation
 * and the masked passes of interaction extraction on the simulated device give the host's numbers
 * bit for bit: the path rows, the path sums and every op run on the backend's primitives, and
 * only the inputs and the results cross. {@link CudaAttributionTest} runs the same on a GPU within
 * a relative bound.
 */
class DeviceAttributionTest {
    /** The device under test. */
    Device device() {
        return SimulatedBackend.INSTANCE.device();
    }

    /** {@code want} and {@code got} agree: bit for bit here (the simulated device runs the CPU kernels). */
    void same(float[] want, float[] got, String what) {
        assertArrayEquals(want, got, what);
    }

    private Module pair(Module[] out) {
        out[0] = ModelZoo.create("inception", Map.of("width", "0.25"));
        out[1] = ModelZoo.create("inception", Map.of("width", "0.25")).to(device());
        return out[0];
    }

    @Test
    void conductanceOnTheDeviceIsTheHosts() {
        Module[] m = new Module[2];
        pair(m);
        Tensor x = Tensor.randn(new Rng(4), 1f, 3, 1, 28, 28);
        for (Discretisation d : Discretisation.values()) {
            AttributionResult h = new LayerConductance(m[0]).layers("inception3a", "inception4a").steps(7).discretisation(d)
                    .maxRows(8).attribute(x);
            AttributionResult g = new LayerConductance(m[1]).layers("inception3a", "inception4a").steps(7).discretisation(d)
                    .maxRows(8).attribute(x);
            assertArrayEquals(h.classes(), g.classes(), d + ": classes");
            same(h.f(), g.f(), d + ": F");
            same(h.integratedGradients().data(), g.integratedGradients().data(), d + ": integrated gradients");
            for (String l : List.of("inception3a", "inception4a")) {
                same(h.layer(l).conductance().data(), g.layer(l).conductance().data(), d + ": conductance of " + l);
                same(h.layer(l).internalInfluence().data(), g.layer(l).internalInfluence().data(), d + ": influence of " + l);
                same(h.layer(l).gradTimesActivation().data(), g.layer(l).gradTimesActivation().data(), d + ": grad x act " + l);
            }
        }
    }

    @Test
    void ablationAndMaskedPassesOnTheDeviceAreTheHosts() {
        Module[] m = new Module[2];
        pair(m);
        Tensor x = Tensor.randn(new Rng(5), 1f, 2, 1, 28, 28);
        int[] classes = {1, 7};
        Ablation ah = new Ablation(m[0], "inception3a").mean(x), ag = new Ablation(m[1], "inception3a").mean(x);
        float[][] sh = ah.singleUnitScores(x, classes, new int[] {0, 3, 5}), sg = ag.singleUnitScores(x, classes, new int[] {0, 3, 5});
        for (int i = 0; i < sh.length; i++) same(sh[i], sg[i], "unit " + i);
        Players p = Players.patches(28, 28, 2, 2, 4, 0);
        Map<String, Readout> readouts = Map.of("inception3b", (t, y) -> Readout.logOdds(LayerActivations.pool(t, LayerActivations.Pooling.MEAN), t.size(0), y));
        Tensor noise = Tensor.randn(new Rng(6), 0.1f, 1, 1, 28, 28);
        Map<String, double[]> gh = MaskedPasses.games(m[0], x.rows(0, 1), 3, p, null, noise, readouts, 6);
        Map<String, double[]> gg = MaskedPasses.games(m[1], x.rows(0, 1), 3, p, null, noise, readouts, 6);
        assertEquals(gh.keySet(), gg.keySet());
        for (String k : gh.keySet()) same(floats(gh.get(k)), floats(gg.get(k)), "masked values at " + k);
    }

    @Test
    void interactionReadoutsTrainOnTheDeviceAsOnTheHost() {
        Module[] m = new Module[2];
        pair(m);
        ImageDataset data = GeneratedImages.generate(96, 3);
        LinearReadout.Options o = LinearReadout.Options.defaults().withExamples(64, 32).withEpochs(3);
        LinearReadout h = LinearReadout.train(m[0], data, data, "inception3a", o), g = LinearReadout.train(m[1], data, data, "inception3a", o);
        same(h.weights(), g.weights(), "readout weights");
        same(h.biases(), g.biases(), "readout biases");
    }

    private static float[] floats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
        return f;
    }
}
