package dev.galvani.attribution.conductance;

import dev.galvani.engine.Rng;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.nn.Module;
import dev.galvani.engine.nn.Sequential;
import dev.galvani.models.checkpoint.Safetensors;
import dev.galvani.models.layers.Conv2d;
import dev.galvani.models.layers.Linear;
import dev.galvani.models.layers.Pool;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Float32 rounding against a float64 reference (scripts/golden/make_fixtures.py, PyTorch 1.13 and
 * Captum 0.8 in float64 on the same weights and input): Galvani's float32 error in the layer's
 * value, the logits and the conductance (Captum's scheme, 50 Gauss-Legendre nodes) must stay
 * within {@link #FACTOR} times PyTorch's own float32 error on the same net. The net is smooth (tanh,
 * average pooling): with ReLU or max pooling, float32 rounding switches a unit or a window's
 * maximum at some path nodes and the error is that of a few switched gradients, not of rounding
 * (docs/onnx.md, "Float32 and float64"). A precision loss anywhere on the way (path nodes or path
 * points in float, a long reduction summed in float, an overlapping chunk counted twice, a
 * convolution that rounds more) shows here as a larger factor.
 */
class ConductancePrecisionTest {
    /**
     * Galvani's error may be at most this many times PyTorch's. Measured (JDK 17, Vector API and
     * plain-Java kernels): 1.2 to 1.5 on the layer's value and the conductance, largest and rms;
     * the convolutions' single float accumulator per output accounts for the excess (docs/onnx.md).
     */
    static final double FACTOR = 2;

    /** tanh as a named node. */
    static final class Tanh extends Module {
        @Override protected Tensor forward(Tensor x) {
            return x.tanh();
        }
    }

    /** SmoothConvNet of the fixture script, same names and layouts. */
    static Module loaded(Map<String, Tensor> f) {
        Module net = net();
        Map<String, Tensor> weights = new LinkedHashMap<>();
        for (String k : net.stateDict().keySet()) weights.put(k, f.get(k));
        net.loadStateDict(weights);
        net.eval();
        return net;
    }

    static Map<String, Tensor> fixture() throws Exception {
        return Safetensors.read(Path.of(ConductancePrecisionTest.class.getResource("/golden/precision_smooth_convnet.safetensors").toURI())).tensors();
    }

    static Module net() {
        Rng rng = new Rng(0);
        return new Sequential()
                .then("conv1", new Conv2d(rng, 3, 16, 3, 1, 1, true)).then("tanh1", new Tanh())
                .then("conv2", new Conv2d(rng, 16, 32, 3, 1, 1, true)).then("tanh2", new Tanh())
                .then("pool", Pool.avg(2, 2, 0))
                .then("conv3", new Conv2d(rng, 32, 64, 3, 1, 1, true)).then("tanh3", new Tanh())
                .then("conv4", new Conv2d(rng, 64, 64, 3, 1, 1, true)).then("tanh4", new Tanh())
                .then("gap", Pool.globalAvg()).then("fc", new Linear(rng, 64, 5, true));
    }

    /** Relative errors of {@code v} against {@code ref}: the largest (over max |ref|) and the root mean square (over rms ref). */
    record Error(double max, double rms) {
        static Error of(Tensor v, double[] ref) {
            double maxErr = 0, maxRef = 0, sq = 0, sqRef = 0;
            for (int i = 0; i < ref.length; i++) {
                double e = v.data()[i] - ref[i];
                maxErr = Math.max(maxErr, Math.abs(e));
                maxRef = Math.max(maxRef, Math.abs(ref[i]));
                sq += e * e;
                sqRef += ref[i] * ref[i];
            }
            return new Error(maxErr / maxRef, Math.sqrt(sq / sqRef));
        }
    }

    /** The fixture's float64 value of {@code name}, stored as two float32 parts (hi + lo). */
    static double[] float64(Map<String, Tensor> f, String name) {
        float[] hi = f.get(name + ".f64.hi").data(), lo = f.get(name + ".f64.lo").data();
        double[] v = new double[hi.length];
        for (int i = 0; i < v.length; i++) v[i] = (double) hi[i] + lo[i];
        return v;
    }

    static void withinPeer(Map<String, Tensor> f, String name, Tensor galvani, String what) {
        double[] ref = float64(f, name);
        Error g = Error.of(galvani, ref), p = Error.of(f.get(name + ".f32"), ref);
        String msg = String.format("%s against float64: Galvani max %.2e rms %.2e, PyTorch float32 max %.2e rms %.2e",
                what, g.max, g.rms, p.max, p.rms);
        assertTrue(g.max <= FACTOR * p.max && g.rms <= FACTOR * p.rms, msg);
        // The errors are rounding, not disagreement: a few float32 ulps of the largest value.
        assertTrue(g.max < 2e-6, msg);
    }

    @Test void float32ErrorWithinPyTorchs() throws Exception {
        Map<String, Tensor> f = fixture();
        Module net = loaded(f);
        Tensor x = f.get("input");
        int[] target = {1, 3};
        // The logits are 5 values per example a few ulps off: a ratio of so few is noise, so a bound in ulps.
        Error logits = Error.of(net.call(x), float64(f, "logits"));
        assertTrue(logits.max < 4 * 0x1p-23, "logits against float64: largest relative error " + logits.max);
        AttributionResult r = new LayerConductance(net).layers("tanh3").steps(50).method(Quadrature.GAUSS_LEGENDRE)
                .discretisation(Discretisation.CAPTUM).integratedGradients(false).attribute(x, target);
        withinPeer(f, "tanh3", r.layer("tanh3").activation(), "tanh3");
        withinPeer(f, "conductance.tanh3", r.layer("tanh3").conductance(), "conductance of tanh3");
        // Chunked passes (the Captum scheme's chunks overlap by one node) give the same sums.
        AttributionResult chunked = new LayerConductance(net).layers("tanh3").steps(50).method(Quadrature.GAUSS_LEGENDRE)
                .discretisation(Discretisation.CAPTUM).integratedGradients(false).maxRows(7).attribute(x, target);
        withinPeer(f, "conductance.tanh3", chunked.layer("tanh3").conductance(), "conductance of tanh3, 7 rows per pass");
    }

    /**
     * The path rows of {@link LayerConductance#pathValues} are what the conductance sums: Captum's
     * {@code Σ_k g_k (y_{k+1} − y_k)} of them, in double, equals the float sum of attribute() to a
     * few ulps of its largest value (the float accumulation over 50 nodes costs nothing measurable).
     */
    @Test void pathValuesSumToTheConductance() throws Exception {
        Map<String, Tensor> f = fixture();
        Module net = loaded(f);
        Tensor x = f.get("input");
        int[] target = {1, 3};
        LayerConductance lc = new LayerConductance(net).layers("tanh3").steps(50).method(Quadrature.GAUSS_LEGENDRE)
                .discretisation(Discretisation.CAPTUM).integratedGradients(false).maxRows(16);
        LayerConductance.PathValues pv = lc.pathValues(x, target).get("tanh3");
        assertArrayEquals(new int[] {51, 2, 64, 8, 8}, pv.values().shape());
        assertArrayEquals(Quadrature.GAUSS_LEGENDRE.nodes(51), pv.alpha());
        int per = 2 * 64 * 8 * 8;
        double[] sum = new double[per];
        float[] y = pv.values().data(), g = pv.gradients().data();
        for (int k = 0; k + 1 < 51; k++) {
            for (int j = 0; j < per; j++) sum[j] += (double) g[k * per + j] * ((double) y[(k + 1) * per + j] - y[k * per + j]);
        }
        Tensor cond = lc.attribute(x, target).layer("tanh3").conductance();
        Error e = Error.of(cond, sum);
        assertTrue(e.max < 4 * 0x1p-24, "float sum against the double sum of the path rows: largest relative difference " + e.max);
        // And the rows are the float64 reference's to rounding: the same sum is as close to it as attribute() is.
        Error ref = Error.of(new Tensor(toFloat(sum), cond.shape()), float64(f, "conductance.tanh3"));
        assertTrue(ref.max < 2e-6, "path rows' conductance against float64: " + ref.max);
    }

    private static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
        return f;
    }
}
