package dev.galvani.attribution.conductance;

import dev.galvani.engine.Rng;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.nn.Module;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class LayerConductanceTest {

    /** x [N, in] times W [in, out] plus b. */
    static final class Dense extends Module {
        final Tensor w, b;
        Dense(Rng rng, int in, int out, boolean bias) {
            w = param("weight", Tensor.randn(rng, 1f / (float) Math.sqrt(in), in, out));
            b = bias ? param("bias", Tensor.randn(rng, 0.5f, 1, out)) : null;
        }
        @Override protected Tensor forward(Tensor x) {
            Tensor y = x.matmul(w);
            return b == null ? y : y.add(b);
        }
    }

    static final class Relu extends Module {
        final boolean identity;
        Relu(boolean identity) { this.identity = identity; }
        @Override protected Tensor forward(Tensor x) { return identity ? x : x.relu(); }
    }

    /** in -> hidden (named "hidden", after ReLU "act") -> classes. */
    static final class Mlp extends Module {
        final Dense l1, l2;
        final Relu act;
        Mlp(long seed, int in, int hidden, int classes, boolean bias) {
            this(seed, in, hidden, classes, bias, false);
        }
        /** {@code linear}: the activation is the identity, so F is linear in x. */
        Mlp(long seed, int in, int hidden, int classes, boolean bias, boolean linear) {
            Rng rng = new Rng(seed);
            l1 = add("hidden", new Dense(rng, in, hidden, bias));
            act = add("act", new Relu(linear));
            l2 = add("out", new Dense(rng, hidden, classes, bias));
        }
        @Override protected Tensor forward(Tensor x) { return l2.call(act.call(l1.call(x))); }
    }

    private static Tensor input(long seed, int n, int d) {
        return Tensor.randn(new Rng(seed), 1f, n, d);
    }

    @Test void linearModelConductanceIsClosedForm() {
        // F = v . (A x): Cond of hidden unit j = v_j (A (x - x'))_j, for every rule (dy/dα is constant).
        Mlp net = new Mlp(1, 4, 3, 2, false, true);
        Tensor x = input(2, 5, 4);
        for (Quadrature q : Quadrature.values()) {
            AttributionResult r = new LayerConductance(net).layers("hidden").steps(7).method(q)
                    .discretisation(Discretisation.JVP).attribute(x, new int[] {0, 1, 0, 1, 1});
            Tensor cond = r.layer("hidden").conductance();
            Tensor y = net.l1.call(x);                 // A x, baseline 0 -> A x' = 0
            for (int i = 0; i < 5; i++) {
                int cls = r.classes()[i];
                for (int j = 0; j < 3; j++) {
                    float expected = y.get(i, j) * net.l2.w.get(j, cls);
                    assertEquals(expected, cond.get(i, j), 1e-5, q + " example " + i + " unit " + j);
                }
            }
            double[] rel = r.relativeDelta("hidden");
            for (double d : rel) assertTrue(d < 1e-4, q + " relative delta " + d);
        }
    }

    @Test void oneHiddenReluNetIntegratedGradientsByHand() {
        // No biases: F(αx) = α F(x), so ∂F/∂x is constant along the path and IG = x ⊙ ∇F(x).
        Mlp net = new Mlp(3, 3, 6, 2, false);
        Tensor x = input(4, 2, 3);
        AttributionResult r = new LayerConductance(net).layers("act").steps(5).attribute(x, new int[] {1, 0});
        Tensor leaf = x.detach().requiresGrad(true);
        Tensor logits = net.call(leaf);
        Tensor pick = logits.mul(Tensor.of(new float[] {0, 1, 1, 0}, 2, 2)).sum();
        Tensor[] g = dev.galvani.engine.autodiff.Autodiff.grad(pick, null, leaf);
        for (int k = 0; k < 6; k++) {
            assertEquals(x.data()[k] * g[0].data()[k], r.integratedGradients().data()[k], 1e-5);
        }
        // F(x) and F(0) match a direct evaluation.
        assertEquals(logits.get(0, 1), r.f()[0], 1e-6);
        assertEquals(0f, r.fBaseline()[1], 1e-6);
    }

    @Test void captumSchemeReproducesItsTelescopingFlaw() {
        // With Gauss-Legendre nodes the Captum differences telescope to y(α_m) − y(α_0), not y(x) − y(x').
        Mlp net = new Mlp(5, 4, 3, 2, false, true);
        Tensor x = input(6, 1, 4);
        int m = 4;
        AttributionResult r = new LayerConductance(net).layers("hidden").steps(m)
                .method(Quadrature.GAUSS_LEGENDRE).discretisation(Discretisation.CAPTUM).attribute(x, new int[] {0});
        double[] a = Quadrature.GAUSS_LEGENDRE.nodes(m + 1);
        Tensor y = net.l1.call(x);
        for (int j = 0; j < 3; j++) {
            double expected = y.get(0, j) * net.l2.w.get(j, 0) * (a[m] - a[0]);
            assertEquals(expected, r.layer("hidden").conductance().get(0, j), 1e-5);
        }
        // Trapezoid nodes start at 0 and end at 1: then the scheme is exact on this model.
        AttributionResult t = new LayerConductance(net).layers("hidden").steps(m)
                .method(Quadrature.RIEMANN_TRAPEZOID).discretisation(Discretisation.CAPTUM).attribute(x, new int[] {0});
        assertTrue(t.relativeDelta("hidden")[0] < 1e-5);
        assertTrue(r.relativeDelta("hidden")[0] > 1e-3, "GL Captum scheme must lose completeness");
    }

    @Test void conservationDeltaShrinksWithSteps() {
        // Biases make ReLUs switch along the path, so the integrand has kinks.
        Mlp net = new Mlp(7, 5, 16, 3, true);
        Tensor x = input(8, 8, 5);
        double coarse = median(new LayerConductance(net).layers("act").steps(4).method(Quadrature.RIEMANN_MIDDLE)
                .attribute(x).relativeDelta("act"));
        double fine = median(new LayerConductance(net).layers("act").steps(256).method(Quadrature.RIEMANN_MIDDLE)
                .attribute(x).relativeDelta("act"));
        assertTrue(fine < coarse / 4, "delta did not shrink: " + coarse + " -> " + fine);
        assertTrue(fine < 1e-2, "fine delta " + fine);
    }

    @Test void theTwoDiscretisationsAgreeAsStepsGrow() {
        Mlp net = new Mlp(9, 5, 12, 3, true);
        Tensor x = input(10, 4, 5);
        int[] cls = {0, 1, 2, 0};
        Tensor jvp = new LayerConductance(net).layers("act").steps(400).method(Quadrature.RIEMANN_TRAPEZOID)
                .discretisation(Discretisation.JVP).attribute(x, cls).layer("act").conductance();
        Tensor cap = new LayerConductance(net).layers("act").steps(400).method(Quadrature.RIEMANN_TRAPEZOID)
                .discretisation(Discretisation.CAPTUM).attribute(x, cls).layer("act").conductance();
        double num = 0, den = 0;
        for (int k = 0; k < jvp.numel(); k++) {
            num += Math.pow(jvp.data()[k] - cap.data()[k], 2);
            den += Math.pow(jvp.data()[k], 2);
        }
        assertTrue(Math.sqrt(num / den) < 2e-2, "relative difference " + Math.sqrt(num / den));
    }

    @Test void chunkingDoesNotChangeTheNumbers() {
        Mlp net = new Mlp(11, 4, 8, 3, true);
        Tensor x = input(12, 5, 4);
        for (Discretisation d : Discretisation.values()) {
            AttributionResult big = new LayerConductance(net).layers("hidden", "act").steps(9).discretisation(d).attribute(x);
            AttributionResult small = new LayerConductance(net).layers("hidden", "act").steps(9).discretisation(d).maxRows(3).attribute(x);
            for (String l : new String[] {"hidden", "act"}) {
                assertArrayEquals(big.layer(l).conductance().data(), small.layer(l).conductance().data(), 1e-5f, d + " " + l);
                assertArrayEquals(big.layer(l).internalInfluence().data(), small.layer(l).internalInfluence().data(), 1e-5f, d + " " + l);
            }
            assertArrayEquals(big.integratedGradients().data(), small.integratedGradients().data(), 1e-5f);
        }
    }

    /**
     * The chunks of a path run in parallel, each pass with thread-confined caching hooks: the
     * numbers are bit-identical whether the chunks ran on one thread (inside a worker) or several,
     * and two attributions running at once on one model do not see each other's passes.
     */
    @Test void parallelChunksGiveTheSameBitsAsOneThread() throws Exception {
        Mlp net = new Mlp(21, 4, 8, 3, true);
        Tensor x = input(22, 6, 4);
        java.util.function.Supplier<AttributionResult> run =
                () -> new LayerConductance(net).layers("hidden", "act").steps(9).maxRows(4).attribute(x);
        AttributionResult parallel = run.get();
        AttributionResult oneThread = dev.galvani.kernels.Parallel.map(java.util.List.of(run)).get(0);
        AttributionResult[] concurrent = new AttributionResult[2];
        Thread a = new Thread(() -> concurrent[0] = run.get()), b = new Thread(() -> concurrent[1] = run.get());
        a.start();
        b.start();
        a.join();
        b.join();
        for (AttributionResult r : new AttributionResult[] {oneThread, concurrent[0], concurrent[1]}) {
            for (String l : new String[] {"hidden", "act"}) {
                assertArrayEquals(parallel.layer(l).conductance().data(), r.layer(l).conductance().data(), 0f, l);
                assertArrayEquals(parallel.layer(l).internalInfluence().data(), r.layer(l).internalInfluence().data(), 0f, l);
            }
            assertArrayEquals(parallel.integratedGradients().data(), r.integratedGradients().data(), 0f);
        }
    }

    /** Skipping IG stops the backward sweep at the layers and changes no layer's numbers. */
    @Test void withoutIntegratedGradientsTheLayersAreUnchanged() {
        Mlp net = new Mlp(31, 4, 8, 3, true);
        Tensor x = input(32, 5, 4);
        for (Discretisation d : Discretisation.values()) {
            AttributionResult with = new LayerConductance(net).layers("act").steps(7).discretisation(d).attribute(x);
            AttributionResult without = new LayerConductance(net).layers("act").steps(7).discretisation(d).integratedGradients(false).attribute(x);
            assertArrayEquals(with.layer("act").conductance().data(), without.layer("act").conductance().data(), 0f, d.name());
            assertArrayEquals(with.layer("act").internalInfluence().data(), without.layer("act").internalInfluence().data(), 0f, d.name());
            assertArrayEquals(with.layer("act").gradTimesActivation().data(), without.layer("act").gradTimesActivation().data(), 0f, d.name());
            var e = assertThrows(dev.galvani.engine.GalvaniException.class, without::integratedGradients);
            assertTrue(e.getMessage().contains("integratedGradients(false)"), e.getMessage());
        }
    }

    /** in -> "shared" -> ReLU -> "shared" again -> classes: one module called twice per pass. */
    static final class Twice extends Module {
        final Dense shared, out;
        Twice(long seed) {
            Rng rng = new Rng(seed);
            shared = add("shared", new Dense(rng, 3, 3, true));
            out = add("out", new Dense(rng, 3, 2, true));
        }
        @Override protected Tensor forward(Tensor x) { return out.call(shared.call(shared.call(x).relu())); }
    }

    /**
     * The exact scheme's passes stop carrying tangents once every layer has its tangent, so a layer
     * that runs again later in the pass would have none: a clear error, not a zero conductance.
     */
    @Test void aLayerRunTwicePerPassIsAClearErrorInTheExactScheme() {
        Tensor x = input(41, 2, 3);
        var e = assertThrows(dev.galvani.engine.GalvaniException.class, () -> new LayerConductance(new Twice(40)).layers("shared")
                .steps(4).integratedGradients(false).attribute(x));
        assertTrue(e.getMessage().contains("layer 'shared' runs again"), e.getMessage());
        // The Captum scheme carries no tangents: the layer's last value is attributed, as with the
        // whole graph recorded (IG at the input).
        Tensor cut = new LayerConductance(new Twice(40)).layers("shared").steps(4).integratedGradients(false)
                .discretisation(Discretisation.CAPTUM).attribute(x).layer("shared").conductance();
        Tensor whole = new LayerConductance(new Twice(40)).layers("shared").steps(4)
                .discretisation(Discretisation.CAPTUM).attribute(x).layer("shared").conductance();
        assertArrayEquals(whole.data(), cut.data(), 0f);
        assertTrue(Math.abs(whole.data()[0]) > 0f);
    }

    /** in -> "trunk" -> ReLU, then "left" and "right" side by side on it, summed -> classes. */
    static final class Branches extends Module {
        final Dense trunk, left, right, out;
        Branches(long seed) {
            Rng rng = new Rng(seed);
            trunk = add("trunk", new Dense(rng, 4, 5, true));
            left = add("left", new Dense(rng, 5, 3, true));
            right = add("right", new Dense(rng, 5, 3, true));
            out = add("out", new Dense(rng, 3, 2, true));
        }
        @Override protected Tensor forward(Tensor x) {
            Tensor h = trunk.call(x).relu();
            return out.call(left.call(h).relu().add(right.call(h).relu()));
        }
    }

    /**
     * Layers side by side (neither computed from the other): without IG no graph is recorded below
     * the layers, and each still gets its gradient, the same bits as with the whole graph.
     */
    @Test void layersSideBySideKeepTheirGradientsWithoutTheGraphBelow() {
        Branches net = new Branches(51);
        Tensor x = input(52, 3, 4);
        for (Discretisation d : Discretisation.values()) {
            AttributionResult whole = new LayerConductance(net).layers("left", "right").steps(6).discretisation(d).attribute(x);
            AttributionResult cut = new LayerConductance(net).layers("left", "right").steps(6).discretisation(d)
                    .integratedGradients(false).attribute(x);
            for (String l : new String[] {"left", "right"}) {
                float[] c = cut.layer(l).conductance().data();
                assertArrayEquals(whole.layer(l).conductance().data(), c, 0f, d + " " + l);
                assertArrayEquals(whole.layer(l).internalInfluence().data(), cut.layer(l).internalInfluence().data(), 0f, d + " " + l);
                double abs = 0;
                for (float v : c) abs += Math.abs(v);
                assertTrue(abs > 0, d + " " + l + " has no conductance");
            }
        }
    }

    @Test void probabilityTargetConservesToo() {
        Mlp net = new Mlp(13, 4, 10, 3, true);
        Tensor x = input(14, 3, 4);
        AttributionResult r = new LayerConductance(net).layers("act").steps(128).target(TargetKind.PROBABILITY).attribute(x);
        for (double d : r.relativeDelta("act")) assertTrue(d < 2e-2, "relative delta " + d);
        for (double d : r.relativeInputDelta()) assertTrue(d < 2e-2, "IG relative delta " + d);
    }

    @Test void logProbabilityTargetByHand() {
        // A linear net h = A x, z = B h: F = log softmax(z)_c, ∂F/∂h_j = B_jc − Σ_k p_k B_jk.
        Mlp net = new Mlp(17, 4, 5, 3, false, true);
        Tensor x = input(18, 2, 4);
        int[] cls = {2, 0};
        AttributionResult r = new LayerConductance(net).layers("hidden").steps(64).target(TargetKind.LOG_PROBABILITY).attribute(x, cls);
        Tensor h = net.l1.call(x), z = net.l2.call(h);
        for (int i = 0; i < 2; i++) {
            double max = Double.NEGATIVE_INFINITY, norm = 0;
            for (int k = 0; k < 3; k++) max = Math.max(max, z.get(i, k));
            for (int k = 0; k < 3; k++) norm += Math.exp(z.get(i, k) - max);
            double[] p = new double[3];
            for (int k = 0; k < 3; k++) p[k] = Math.exp(z.get(i, k) - max) / norm;
            assertEquals(Math.log(p[cls[i]]), r.f()[i], 1e-5, "F(x) is the log-probability");
            assertEquals(Math.log(1.0 / 3), r.fBaseline()[i], 1e-5, "F(0): all logits 0 without biases");
            for (int j = 0; j < 5; j++) {
                double grad = net.l2.w.get(j, cls[i]);
                for (int k = 0; k < 3; k++) grad -= p[k] * net.l2.w.get(j, k);
                assertEquals(h.get(i, j) * grad, r.layer("hidden").gradTimesActivation().get(i, j), 1e-5, "gradient*activation");
            }
        }
        // Conservation holds for the log-probability too (the integrand is smooth: 64 GL nodes are plenty).
        for (double d : r.relativeDelta("hidden")) assertTrue(d < 1e-4, "relative delta " + d);
        for (double d : r.relativeInputDelta()) assertTrue(d < 1e-4, "IG relative delta " + d);
    }

    @Test void captumExactOptionUsesCaptumsNodesAndStepSizes() {
        // IG of a linear model is (x − x') ∇F whatever the nodes: the step sizes alone set the total,
        // 1 − 1/m for Captum's trapezoid against 1 for the rule's own weights.
        Mlp net = new Mlp(19, 4, 5, 3, false, true);
        Tensor x = input(20, 2, 4);
        int m = 8;
        for (Discretisation d : Discretisation.values()) {
            AttributionResult own = new LayerConductance(net).layers("hidden").steps(m).method(Quadrature.RIEMANN_TRAPEZOID)
                    .discretisation(d).attribute(x, new int[] {0, 1});
            AttributionResult exact = new LayerConductance(net).layers("hidden").steps(m).method(Quadrature.RIEMANN_TRAPEZOID)
                    .discretisation(d).captumExact(true).attribute(x, new int[] {0, 1});
            for (int k = 0; k < 8; k++) {
                assertEquals(own.integratedGradients().data()[k] * (1 - 1.0 / m), exact.integratedGradients().data()[k], 1e-5, d + " IG");
            }
            for (int k = 0; k < 10; k++) {
                assertEquals(own.layer("hidden").internalInfluence().data()[k] * (1 - 1.0 / m),
                        exact.layer("hidden").internalInfluence().data()[k], 1e-5, d + " internal influence");
            }
            // Conductance: the Captum scheme's differences use no weights; the JVP form scales like IG.
            double scale = d == Discretisation.CAPTUM ? 1 : 1 - 1.0 / m;
            for (int k = 0; k < 10; k++) {
                assertEquals(own.layer("hidden").conductance().data()[k] * scale, exact.layer("hidden").conductance().data()[k], 1e-5, d + " conductance");
            }
        }
    }

    @Test void badInputsGiveClearErrors() {
        Mlp net = new Mlp(1, 4, 3, 2, false);
        var e = assertThrows(dev.galvani.engine.GalvaniException.class, () -> new LayerConductance(net).layers("hiden"));
        assertTrue(e.getMessage().contains("nearest: hidden"), e.getMessage());
        assertThrows(dev.galvani.engine.GalvaniException.class, () -> new LayerConductance(net).steps(0));
        Tensor bad = Tensor.of(new float[] {1, Float.NaN, 0, 0}, 1, 4);
        e = assertThrows(dev.galvani.engine.GalvaniException.class, () -> new LayerConductance(net).layers("act").attribute(bad));
        assertTrue(e.getMessage().contains("non-finite"), e.getMessage());
    }

    @Test void withoutThePathOnlyTheValuesAtXAreComputed() {
        Mlp net = new Mlp(3, 4, 5, 3, true);
        Tensor x = input(4, 3, 4);
        AttributionResult full = new LayerConductance(net).layers("act").steps(8).attribute(x);
        AttributionResult atX = AttributionMethod.GRADIENT_X_ACTIVATION.configure(new LayerConductance(net).layers("act").steps(8)).attribute(x);
        assertArrayEquals(full.layer("act").activation().data(), atX.layer("act").activation().data());
        assertArrayEquals(full.layer("act").gradTimesActivation().data(), atX.layer("act").gradTimesActivation().data());
        assertArrayEquals(full.fBaseline(), atX.fBaseline());
        var e = assertThrows(dev.galvani.engine.GalvaniException.class, () -> atX.layer("act").conductance());
        assertTrue(e.getMessage().contains("no path integral"), e.getMessage());
    }

    static double median(double[] v) {
        double[] s = v.clone();
        java.util.Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
    }
}
