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

    static Path fixture() throws Exception {
        return Path.of(CaptumParityTest.class.getResource("/golden/captum_small_convnet.safetensors").toURI());
    }

    /** The fixture's net with its weights loaded, in evaluation mode. */
    static Module loaded(Map<String, Tensor> f) {
        Module net = net();
        Map<String, Tensor> weights = new LinkedHashMap<>();
        for (String k : net.stateDict().keySet()) weights.put(k, f.get(k));
        net.loadStateDict(weights);
        net.eval();
        return net;
    }

    private static final int[] TARGET = {0, 1, 2};

    @Test void matchesCaptum() throws Exception {
        Path p = fixture();
        Map<String, Tensor> f = Safetensors.read(p).tensors();
        Module net = loaded(f);
        Tensor x = f.get("input");
        int[] target = TARGET;
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

    /** Captum-exact mode: IG and internal influence on Captum's m nodes with its trapezoid step sizes, in the Captum scheme. */
    @Test void captumExactMatchesCaptumsIntegratedGradientsAndInternalInfluence() throws Exception {
        Map<String, Tensor> f = Safetensors.read(fixture()).tensors();
        Module net = loaded(f);
        Tensor x = f.get("input");
        AttributionResult r = new LayerConductance(net).layers("relu2").steps(10).method(Quadrature.RIEMANN_TRAPEZOID)
                .discretisation(Discretisation.CAPTUM).captumExact(true).attribute(x, TARGET);
        close(f.get("ig.riemann_trapezoid"), r.integratedGradients(), 1e-4, "IG, Captum's trapezoid");
        close(f.get("internal_influence.relu2.riemann_trapezoid"), r.layer("relu2").internalInfluence(), 1e-4, "internal influence, Captum's trapezoid");
        close(f.get("conductance.relu2.riemann_trapezoid"), r.layer("relu2").conductance(), 1e-4, "conductance unchanged");
        // Without the option the Captum scheme integrates them over its m + 1 conductance nodes, with the rule's own weights: not Captum's numbers.
        AttributionResult own = new LayerConductance(net).layers("relu2").steps(10).method(Quadrature.RIEMANN_TRAPEZOID)
                .discretisation(Discretisation.CAPTUM).attribute(x, TARGET);
        double diff = 0;
        for (int i = 0; i < own.integratedGradients().numel(); i++) {
            diff = Math.max(diff, Math.abs(own.integratedGradients().data()[i] - f.get("ig.riemann_trapezoid").data()[i]));
        }
        assertTrue(diff > 1e-3, "the default differs from Captum's IG by " + diff);
    }

    /** The log-probability target against Captum on the same net with log-softmax on top. */
    @Test void logProbabilityTargetMatchesCaptum() throws Exception {
        Map<String, Tensor> f = Safetensors.read(fixture()).tensors();
        Module net = loaded(f);
        Tensor x = f.get("input");
        AttributionResult r = new LayerConductance(net).layers("relu2").steps(10).method(Quadrature.GAUSS_LEGENDRE)
                .discretisation(Discretisation.CAPTUM).target(TargetKind.LOG_PROBABILITY).attribute(x, TARGET);
        close(f.get("conductance.relu2.gausslegendre.logprob"), r.layer("relu2").conductance(), 1e-4, "log-probability conductance");
        for (int i = 0; i < 3; i++) assertEquals(f.get("logprob").get(i, TARGET[i]), r.f()[i], 1e-5, "F(x) = log p");
        AttributionResult j = new LayerConductance(net).layers("relu2").steps(10).method(Quadrature.GAUSS_LEGENDRE)
                .discretisation(Discretisation.JVP).target(TargetKind.LOG_PROBABILITY).attribute(x, TARGET);
        close(f.get("ig.gausslegendre.logprob"), j.integratedGradients(), 1e-4, "log-probability IG");
    }

    /** Captum's NeuronConductance of single units (c, h, w), every unit of a layer from one call. */
    @Test void neuronConductanceMatchesCaptum() throws Exception {
        Map<String, Tensor> f = Safetensors.read(fixture()).tensors();
        Module net = loaded(f);
        Tensor x = f.get("input");
        Map<String, Quadrature> methods = Map.of("riemann_trapezoid", Quadrature.RIEMANN_TRAPEZOID, "gausslegendre", Quadrature.GAUSS_LEGENDRE);
        int checked = 0;
        for (String layer : new String[] {"relu2", "relu1"}) {
            int h = layer.equals("relu2") ? 4 : 8, w = h;
            for (Map.Entry<String, Quadrature> e : methods.entrySet()) {
                NeuronConductanceResult r = new NeuronConductance(net).layer(layer).allUnits().steps(10).method(e.getValue())
                        .discretisation(Discretisation.CAPTUM).verbose(false).attribute(x, TARGET);
                for (Map.Entry<String, Tensor> g : f.entrySet()) {
                    String prefix = "neuron_conductance." + layer + ".";
                    if (!g.getKey().startsWith(prefix) || !g.getKey().endsWith("." + e.getKey())) continue;
                    String[] chw = g.getKey().substring(prefix.length()).split("\\.");
                    int unit = (Integer.parseInt(chw[0]) * h + Integer.parseInt(chw[1])) * w + Integer.parseInt(chw[2]);
                    float[] rows = new float[3 * 64];
                    for (int ex = 0; ex < 3; ex++) System.arraycopy(r.breakdown(ex).data(), unit * 64, rows, ex * 64, 64);
                    close(g.getValue(), new Tensor(rows, 3, 1, 8, 8), 1e-4, g.getKey());
                    checked++;
                }
            }
        }
        assertEquals(10, checked, "five neurons, two methods");
    }
}
