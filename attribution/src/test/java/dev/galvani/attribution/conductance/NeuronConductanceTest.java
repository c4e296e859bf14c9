package dev.galvani.attribution.conductance;

import dev.galvani.attribution.conductance.NeuronConductance.Kind;
import dev.galvani.attribution.conductance.NeuronConductance.Mode;
import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Rng;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.nn.Module;
import dev.galvani.kernels.Parallel;
import dev.galvani.models.ModelZoo;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every unit's or filter's input breakdown at once: each equals the one-neuron computation, sums
 * to the unit's layer conductance, and both modes, any chunking and any thread count give it.
 */
class NeuronConductanceTest {
    /** The small convnet of the Captum fixtures (input [1, 8, 8] = 64 elements; relu2 [6, 4, 4] = 96 units, 6 filters). */
    static Module convnet() {
        Module net = CaptumParityTest.net();
        net.eval();
        return net;
    }

    static Tensor images(long seed, int n) {
        return Tensor.randn(new Rng(seed), 1f, n, 1, 8, 8);
    }

    /** Rows of a [K, ...] tensor against the one-neuron computation [N, ...] of example e, relative to the row's scale. */
    static void assertRow(Tensor all, int q, Tensor single, int e, double tol, String what) {
        int per = single.numel() / single.size(0);
        double scale = 1e-6;
        for (int i = 0; i < per; i++) scale = Math.max(scale, Math.abs(single.data()[e * per + i]));
        for (int i = 0; i < per; i++) {
            assertEquals(single.data()[e * per + i], all.data()[q * per + i], tol * scale, what + " element " + i);
        }
    }

    @Test void eachBreakdownEqualsTheOneNeuronComputation() {
        Module net = convnet();
        Tensor x = images(1, 2);
        int[] cls = {2, 0};
        for (Kind kind : Kind.values()) {
            int[] sel = kind == Kind.UNITS ? new int[] {0, 17, 40, 95} : new int[] {0, 3, 5};
            for (Mode mode : new Mode[] {Mode.FORWARD, Mode.REVERSE}) {
                for (Discretisation d : Discretisation.values()) {
                    NeuronConductance nc = new NeuronConductance(net).layer("relu2").steps(12)
                            .method(Quadrature.RIEMANN_TRAPEZOID).discretisation(d).mode(mode).maxRows(7).verbose(false);
                    if (kind == Kind.UNITS) nc.units(sel); else nc.filters(sel);
                    NeuronConductanceResult r = nc.attribute(x, cls);
                    assertEquals(mode, r.mode());
                    assertArrayEquals(new int[] {sel.length, 1, 8, 8}, r.breakdown(0).shape());
                    for (int q = 0; q < sel.length; q++) {
                        Tensor one = nc.single(x, cls, sel[q]);
                        for (int e = 0; e < 2; e++) {
                            assertRow(r.breakdown(e), q, one, e, 1e-5, kind + " " + sel[q] + " " + mode + " " + d + " example " + e);
                        }
                    }
                }
            }
        }
    }

    @Test void summedOverTheInputEachBreakdownIsTheUnitsLayerConductance() {
        // Σ_i Cond_j(x_i) = Σ_k w_k ∂F/∂y_j · dy_j/dα: layer conductance in the exact form, same nodes and weights.
        Module net = convnet();
        Tensor x = images(2, 3);
        int[] cls = {1, 1, 0};
        for (Discretisation d : Discretisation.values()) {
            for (Quadrature q : new Quadrature[] {Quadrature.GAUSS_LEGENDRE, Quadrature.RIEMANN_TRAPEZOID}) {
                // The Captum scheme's weights are Captum's step sizes: its layer conductance in exact form is captumExact.
                AttributionResult lc = new LayerConductance(net).layers("relu2").steps(16).method(q)
                        .discretisation(Discretisation.JVP).captumExact(d == Discretisation.CAPTUM).integratedGradients(false)
                        .attribute(x, cls);
                Tensor perUnit = lc.layer("relu2").conductance(), perFilter = lc.layer("relu2").filterConductance();
                NeuronConductanceResult units = new NeuronConductance(net).layer("relu2").allUnits().steps(16).method(q)
                        .discretisation(d).verbose(false).attribute(x, cls);
                NeuronConductanceResult filters = new NeuronConductance(net).layer("relu2").allFilters().steps(16).method(q)
                        .discretisation(d).verbose(false).attribute(x, cls);
                assertEquals(Mode.FORWARD, units.mode(), "64 inputs < 96 units");
                assertEquals(Mode.REVERSE, filters.mode(), "6 filters < 64 inputs");
                for (int e = 0; e < 3; e++) {
                    for (int j = 0; j < 96; j++) {
                        float expected = perUnit.data()[e * 96 + j];
                        assertEquals(expected, units.totals()[e][j], 1e-5 * Math.max(1, Math.abs(expected)), d + " " + q + " unit " + j);
                        assertEquals(expected, sum(units.breakdown(e), j), 1e-5 * Math.max(1, Math.abs(expected)));
                    }
                    for (int c = 0; c < 6; c++) {
                        float expected = perFilter.get(e, c);
                        assertEquals(expected, filters.totals()[e][c], 1e-5 * Math.max(1, Math.abs(expected)), d + " " + q + " filter " + c);
                    }
                }
            }
        }
    }

    private static double sum(Tensor t, int row) {
        int per = t.numel() / t.size(0);
        double s = 0;
        for (int i = 0; i < per; i++) s += t.data()[row * per + i];
        return s;
    }

    @Test void sameBitsAtAnyThreadCountAndChunking() {
        Module net = convnet();
        Tensor x = images(3, 2);
        for (Mode mode : new Mode[] {Mode.FORWARD, Mode.REVERSE}) {
            Supplier<NeuronConductanceResult> run = () -> new NeuronConductance(net).layer("relu2").allFilters().steps(9)
                    .maxRows(5).mode(mode).verbose(false).attribute(x, null);
            NeuronConductanceResult parallel = run.get();
            NeuronConductanceResult oneThread = Parallel.map(List.of(run)).get(0); // inside a worker nothing splits
            for (int e = 0; e < 2; e++) {
                assertArrayEquals(parallel.breakdown(e).data(), oneThread.breakdown(e).data(), 0f, mode.name());
            }
            // Other row bounds cut the work differently: same numbers up to rounding.
            NeuronConductanceResult bigger = new NeuronConductance(net).layer("relu2").allFilters().steps(9).maxRows(64)
                    .mode(mode).verbose(false).attribute(x, null);
            for (int e = 0; e < 2; e++) {
                assertArrayEquals(parallel.breakdown(e).data(), bigger.breakdown(e).data(), 1e-5f, mode.name());
            }
        }
    }

    @Test void aFilterIsTheSumOfItsUnits() {
        Module net = convnet();
        Tensor x = images(4, 1);
        NeuronConductanceResult units = new NeuronConductance(net).layer("relu2").allUnits().steps(8).verbose(false).attribute(x, new int[] {1});
        NeuronConductanceResult filters = new NeuronConductance(net).layer("relu2").allFilters().steps(8).verbose(false).attribute(x, new int[] {1});
        for (int c = 0; c < 6; c++) {
            for (int i = 0; i < 64; i++) {
                double s = 0;
                for (int p = 0; p < 16; p++) s += units.breakdown(0).data()[(c * 16 + p) * 64 + i];
                assertEquals(s, filters.breakdown(0).data()[c * 64 + i], 1e-5);
            }
        }
    }

    @Test void fromATextModelsEmbedding() {
        // The path starts at the embedding [T, D]; a padding position has zero embedding at x and x', so zero breakdown.
        Module net = ModelZoo.create("textcnn", Map.of("vocab", "30", "dim", "8", "filters", "6", "seed", "2"));
        Tensor ids = Tensor.of(new float[] {3, 7, 9, 2, 11, 0, 0}, 1, 7);
        for (Mode mode : new Mode[] {Mode.FORWARD, Mode.REVERSE}) {
            NeuronConductance nc = new NeuronConductance(net).layer("features").filters(0, 4, 13).pathFrom("embedding")
                    .steps(10).mode(mode).verbose(false);
            NeuronConductanceResult r = nc.attribute(ids, new int[] {1});
            assertArrayEquals(new int[] {3, 7, 8}, r.breakdown(0).shape());
            for (int q = 0; q < 3; q++) {
                assertRow(r.breakdown(0), q, nc.single(ids, new int[] {1}, new int[] {0, 4, 13}[q]), 0, 1e-5, mode + " filter " + q);
                for (int k = 0; k < 8; k++) assertEquals(0f, r.breakdown(0).get(q, 5, k), 0f);
            }
        }
    }

    @Test void streamsExamplesToASink() {
        Module net = convnet();
        Tensor x = images(5, 3);
        int[] seen = new int[3];
        NeuronConductanceResult r = new NeuronConductance(net).layer("relu1").filters(1, 2).steps(4).verbose(false)
                .attribute(x, null, (e, t) -> {
                    assertArrayEquals(new int[] {2, 1, 8, 8}, t.shape());
                    seen[e]++;
                });
        assertArrayEquals(new int[] {1, 1, 1}, seen);
        assertThrows(GalvaniException.class, () -> r.breakdown(0));
        assertEquals(3, r.totals().length);
    }

    @Test void badSelectionsGiveClearErrors() {
        Module net = convnet();
        Tensor x = images(6, 1);
        var e = assertThrows(GalvaniException.class, () -> new NeuronConductance(net).layer("relu2").filters(6).verbose(false).attribute(x, null));
        assertTrue(e.getMessage().contains("filter 6 out of range for 'relu2' with 6 filters"), e.getMessage());
        e = assertThrows(GalvaniException.class, () -> new NeuronConductance(net).layer("relu2").units(96).verbose(false).attribute(x, null));
        assertTrue(e.getMessage().contains("unit 96 out of range for 'relu2' with 96 units"), e.getMessage());
        e = assertThrows(GalvaniException.class, () -> new NeuronConductance(net).layer("relu3"));
        assertTrue(e.getMessage().contains("relu3"), e.getMessage());
        e = assertThrows(GalvaniException.class, () -> new NeuronConductance(net).allFilters().attribute(x, null));
        assertTrue(e.getMessage().contains("no layer"), e.getMessage());
    }
}
