package dev.galvani.attribution.conductance;

import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Tensor;
import dev.galvani.models.checkpoint.Safetensors;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Nodes and weights against closed forms, exactness on polynomials, and Captum 0.8's own values. */
class QuadratureTest {
    private static final Quadrature GL = Quadrature.GAUSS_LEGENDRE;

    @Test void gaussLegendreClosedForms() {
        // On [0, 1]: n = 1: node 1/2, weight 1; n = 2: 1/2 ± 1/(2√3), 1/2 each; n = 3: 1/2, 1/2 ± √(3/5)/2, 4/9 and 5/18.
        assertArrayEquals(new double[] {0.5}, GL.nodes(1), 1e-15);
        assertArrayEquals(new double[] {1}, GL.weights(1), 1e-15);
        double a = 0.5 / Math.sqrt(3);
        assertArrayEquals(new double[] {0.5 - a, 0.5 + a}, GL.nodes(2), 1e-15);
        assertArrayEquals(new double[] {0.5, 0.5}, GL.weights(2), 1e-15);
        double b = 0.5 * Math.sqrt(0.6);
        assertArrayEquals(new double[] {0.5 - b, 0.5, 0.5 + b}, GL.nodes(3), 1e-14);
        assertArrayEquals(new double[] {5.0 / 18, 4.0 / 9, 5.0 / 18}, GL.weights(3), 1e-14);
    }

    @Test void gaussLegendreIsExactUpToDegreeTwoNMinusOne() {
        for (int n : new int[] {4, 17, 50, 128}) {
            double[] x = GL.nodes(n), w = GL.weights(n);
            for (int deg : new int[] {0, 1, n, 2 * n - 1}) {
                double s = 0;
                for (int k = 0; k < n; k++) s += w[k] * Math.pow(x[k], deg);
                assertEquals(1.0 / (deg + 1), s, 1e-13, "n " + n + " degree " + deg);
            }
            for (int k = 1; k < n; k++) assertTrue(x[k] > x[k - 1], "ascending");
        }
    }

    @Test void riemannClosedForms() {
        assertArrayEquals(new double[] {0, 0.25, 0.5, 0.75, 1}, Quadrature.RIEMANN_TRAPEZOID.nodes(5), 1e-15);
        assertArrayEquals(new double[] {0.125, 0.25, 0.25, 0.25, 0.125}, Quadrature.RIEMANN_TRAPEZOID.weights(5), 1e-15);
        assertArrayEquals(new double[] {0, 0.2, 0.4, 0.6, 0.8}, Quadrature.RIEMANN_LEFT.nodes(5), 1e-15);
        assertArrayEquals(new double[] {0.2, 0.4, 0.6, 0.8, 1}, Quadrature.RIEMANN_RIGHT.nodes(5), 1e-15);
        assertArrayEquals(new double[] {0.1, 0.3, 0.5, 0.7, 0.9}, Quadrature.RIEMANN_MIDDLE.nodes(5), 1e-15);
        for (Quadrature q : new Quadrature[] {Quadrature.RIEMANN_LEFT, Quadrature.RIEMANN_RIGHT, Quadrature.RIEMANN_MIDDLE}) {
            assertArrayEquals(new double[] {0.2, 0.2, 0.2, 0.2, 0.2}, q.weights(5), 1e-15, q.name());
            assertArrayEquals(q.weights(5), q.stepSizes(5), 0, q.name() + ": Captum's step sizes are the rule's weights");
        }
        // The trapezoid's own weights sum to 1; Captum's step sizes are 1/n, halved at the ends, summing to 1 − 1/n.
        assertArrayEquals(new double[] {0.1, 0.2, 0.2, 0.2, 0.1}, Quadrature.RIEMANN_TRAPEZOID.stepSizes(5), 1e-15);
        assertArrayEquals(GL.weights(9), GL.stepSizes(9), 0);
        // The trapezoid rule is exact on straight lines, the middle rule too.
        for (Quadrature q : new Quadrature[] {Quadrature.RIEMANN_TRAPEZOID, Quadrature.RIEMANN_MIDDLE}) {
            double[] x = q.nodes(7), w = q.weights(7);
            double s = 0;
            for (int k = 0; k < 7; k++) s += w[k] * (3 * x[k] + 1);
            assertEquals(2.5, s, 1e-14, q.name());
        }
    }

    @Test void weightsSumToOne() {
        for (Quadrature q : Quadrature.values()) {
            for (int n : new int[] {1, 2, 3, 10, 50}) {
                double s = 0;
                for (double v : q.weights(n)) s += v;
                assertEquals(1.0, s, 1e-13, q + " n " + n);
            }
        }
    }

    @Test void captumsRiemannStepSizesNeedTwoSteps() {
        var e = assertThrows(GalvaniException.class, () -> Quadrature.RIEMANN_TRAPEZOID.stepSizes(1));
        assertTrue(e.getMessage().contains("at least 2"), e.getMessage());
        assertEquals(1, GL.stepSizes(1).length);
    }

    /** Captum 0.8's alphas_func(n) and step_sizes_func(n), from scripts/golden/make_fixtures.py (numpy's leggauss inside). */
    @Test void matchesCaptumsNodesAndStepSizes() throws Exception {
        Path p = Path.of(getClass().getResource("/golden/captum_small_convnet.safetensors").toURI());
        Map<String, Tensor> f = Safetensors.read(p).tensors();
        Map<String, Quadrature> names = Map.of("riemann_trapezoid", Quadrature.RIEMANN_TRAPEZOID, "riemann_left", Quadrature.RIEMANN_LEFT,
                "riemann_right", Quadrature.RIEMANN_RIGHT, "riemann_middle", Quadrature.RIEMANN_MIDDLE, "gausslegendre", GL);
        for (Map.Entry<String, Quadrature> e : names.entrySet()) {
            for (int n : new int[] {2, 7, 50}) {
                String key = "quadrature." + e.getKey() + "." + n;
                // stored as float64, read as float: compare to float precision
                assertArrayEquals(toDouble(f.get(key + ".alphas")), e.getValue().nodes(n), 1e-7, key + " nodes");
                assertArrayEquals(toDouble(f.get(key + ".step_sizes")), e.getValue().stepSizes(n), 1e-8, key + " step sizes");
            }
        }
    }

    private static double[] toDouble(Tensor t) {
        double[] d = new double[t.numel()];
        for (int i = 0; i < d.length; i++) d[i] = t.data()[i];
        return d;
    }
}
