package dev.galvani.attribution.conductance;

import dev.galvani.engine.Tensor;
import dev.galvani.engine.nn.Module;
import dev.galvani.engine.nn.Sequential;
import dev.galvani.models.checkpoint.Safetensors;
import dev.galvani.models.layers.Activation;
import dev.galvani.models.layers.Conv2d;
import dev.galvani.models.layers.Linear;
import dev.galvani.models.layers.Pool;
import dev.galvani.engine.Rng;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Same numbers as Captum 0.8 (fixtures from scripts/golden/make_fixtures.py, PyTorch 1.13): layer
 * conductance in the Captum-compatible discretisation for three methods, integrated gradients,
 * internal influence, gradient*activation and activation, on a small convnet with the same weights.
 */
class CaptumParityTest {
    /** SmallConvNet of the fixture script: conv1, relu1, pool, conv2, relu2, mean over positions, fc. */
    static Module net() {
        Rng rng = new Rng(0);
        return new Sequential().then("conv1", new Conv2d(rng, 1, 4, 3, 1, 1, true)).then("relu1", Activation.relu())
                .then("pool", Pool.max(2, 2, 0)).then("conv2", new Conv2d(rng, 4, 6, 3, 1, 1, true)).then("relu2", Activation.relu())
                .then("gap", Pool.globalAvg()).then("fc", new Linear(rng, 6, 3, true));
    }

    static void close(Tensor expected, Tensor actual, double tol, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what);
        double scale = 0;
        for (float v : expected.data()) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < expected.numel(); i++) {
            assertEquals(expected.data()[i], actual.data()[i], tol * Math.max(scale, 1e-3), what + " [" + i + "]");
        }
    }

    @Test void matchesCaptum() throws Exception {
        Path p = Path.of(getClass().getResource("/golden/captum_small_convnet.safetensors").toURI());
        Map<String, Tensor> f = Safetensors.read(p).tensors();
        Module net = net();
        Map<String, Tensor> weights = new LinkedHashMap<>();
        for (String k : net.stateDict().keySet()) weights.put(k, f.get(k));
        net.loadStateDict(weights);
        net.eval();
        Tensor x = f.get("input");
        int[] target = {0, 1, 2};
        close(f.get("logits"), net.call(x), 1e-5, "logits");
        int m = Integer.parseInt(Safetensors.read(p).metadata().get("steps"));
        Map<String, Quadrature> methods = Map.of("gausslegendre", Quadrature.GAUSS_LEGENDRE,
                "riemann_trapezoid", Quadrature.RIEMANN_TRAPEZOID, "riemann_left", Quadrature.RIEMANN_LEFT);
        for (Map.Entry<String, Quadrature> e : methods.entrySet()) {
            AttributionResult r = new LayerConductance(net).layers("relu2", "relu1").steps(m).method(e.getValue())
                    .discretisation(Discretisation.CAPTUM).attribute(x, target);
            close(f.get("conductance.relu2." + e.getKey()), r.layer("relu2").conductance(), 1e-4, "conductance relu2 " + e.getKey());
            close(f.get("conductance.relu1." + e.getKey()), r.layer("relu1").conductance(), 1e-4, "conductance relu1 " + e.getKey());
            // Captum's delta: Σ Cond − (F(x) − F(x')), signed
            double[] totals = r.layer("relu2").totals(), gap = r.gap();
            for (int i = 0; i < 3; i++) {
                assertEquals(f.get("conductance.relu2." + e.getKey() + ".delta").data()[i], totals[i] - gap[i], 1e-4, "delta " + e.getKey());
            }
        }
        AttributionResult j = new LayerConductance(net).layers("relu2").steps(m).method(Quadrature.GAUSS_LEGENDRE)
                .discretisation(Discretisation.JVP).attribute(x, target);
        close(f.get("ig.gausslegendre"), j.integratedGradients(), 1e-4, "integrated gradients");
        close(f.get("internal_influence.relu2.gausslegendre"), j.layer("relu2").internalInfluence(), 1e-4, "internal influence");
        close(f.get("grad_x_act.relu2"), j.layer("relu2").gradTimesActivation(), 1e-5, "gradient*activation");
        close(f.get("activation.relu2"), j.layer("relu2").activation(), 1e-6, "activation");
    }
}
