package dev.galvani.attribution.interactions;

import dev.galvani.engine.Rng;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class LayerwiseMetricsTest {
    // one player: subsets ∅ (order 0) and {0} (order 1)
    private final Interactions a = new Interactions(1, new double[] {1, -2}, new double[] {0.3, 0.5});
    private final Interactions b = new Interactions(1, new double[] {0.5, -3}, new double[] {-1, 0.5});

    @Test void strengthOverlapAndUnionByHand() {
        assertArrayEquals(new double[] {1.3, 2.5}, LayerwiseMetrics.strengthByOrder(a), 1e-12);
        assertArrayEquals(new double[] {1.5, 3.5}, LayerwiseMetrics.strengthByOrder(b), 1e-12);
        // ∅: AND min(1, 0.5) = 0.5, OR 0.3 against −1 share nothing; {0}: AND min(2, 3) = 2, OR 0.5
        assertArrayEquals(new double[] {0.5, 2.5}, LayerwiseMetrics.overlapByOrder(a, b), 1e-12);
        assertEquals(3, LayerwiseMetrics.overlap(b, a), 1e-12);
        // ∅: AND 1, OR 0.3 + 1; {0}: AND 3, OR 0.5
        assertArrayEquals(new double[] {2.3, 3.5}, LayerwiseMetrics.unionByOrder(a, b), 1e-12);
        assertArrayEquals(new double[] {0.5 / 2.3, 2.5 / 3.5}, LayerwiseMetrics.generalisationByOrder(a, b), 1e-12);
        assertEquals(3 / 5.8, LayerwiseMetrics.generalisation(a, b), 1e-12);
    }

    @Test void layerwiseChangeByHand() {
        LayerwiseMetrics.Change c = LayerwiseMetrics.change(List.of(a, b));
        // layer 0 against nothing
        assertArrayEquals(new double[] {0, 0}, c.forgotten()[0], 0);
        assertArrayEquals(new double[] {1.3, 2.5}, c.newInteractions()[0], 1e-12);
        // forget = Σ|I_a| − overlap = 3.8 − 3, new = Σ|I_b| − overlap = 5 − 3
        assertArrayEquals(new double[] {0.8, 0}, c.forgotten()[1], 1e-12);
        assertArrayEquals(new double[] {1, 1}, c.newInteractions()[1], 1e-12);
        assertEquals(0.8, c.forgotten(1), 1e-12);
        assertEquals(2, c.newInteractions(1), 1e-12);
        // completeness = overlap(a, last) / Σ|I_last| = 3 / 5; redundancy = (3.8 − 3) / 5
        assertArrayEquals(new double[] {0.1, 0.5}, c.completeness()[0], 1e-12);
        assertArrayEquals(new double[] {0.16, 0}, c.redundancy()[0], 1e-12);
        assertEquals(1, c.completeness(1), 1e-12);
        assertEquals(0, c.redundancy(1), 1e-12);
    }

    @Test void identitiesOnRandomLayers() {
        Rng rng = new Rng(21);
        int n = 5;
        List<Interactions> layers = new ArrayList<>();
        for (int l = 0; l < 4; l++) {
            layers.add(new Interactions(n, Naive.gaussian(rng, 1 << n), Naive.gaussian(rng, 1 << n)));
        }
        LayerwiseMetrics.Change c = LayerwiseMetrics.change(layers);
        double last = layers.get(3).l1();
        for (int l = 1; l < 4; l++) {
            Interactions prev = layers.get(l - 1), cur = layers.get(l);
            assertEquals(prev.l1() - cur.l1(), c.forgotten(l) - c.newInteractions(l), 1e-10);
            assertEquals(cur.l1() / last, c.completeness(l) + c.redundancy(l), 1e-12);
            double overlap = LayerwiseMetrics.overlap(prev, cur);
            assertTrue(overlap <= Math.min(prev.l1(), cur.l1()));
            assertEquals(overlap, LayerwiseMetrics.overlap(cur, prev), 1e-12);
        }
        assertEquals(1, LayerwiseMetrics.generalisation(layers.get(0), layers.get(0)), 1e-12);

        LayerwiseMetrics.Change other = LayerwiseMetrics.change(List.of(layers.get(3), layers.get(2), layers.get(1), layers.get(0)));
        LayerwiseMetrics.Change mean = LayerwiseMetrics.mean(List.of(c, other));
        for (int l = 0; l < 4; l++) {
            for (int k = 0; k <= n; k++) {
                assertEquals(0.5 * (c.redundancy()[l][k] + other.redundancy()[l][k]), mean.redundancy()[l][k], 1e-12);
                assertEquals(0.5 * (c.forgotten()[l][k] + other.forgotten()[l][k]), mean.forgotten()[l][k], 1e-12);
            }
        }
    }

    @Test void countBasedChangeByHand() {
        // two players; fraction 0.5, so τ is half of each layer's largest |I|
        Interactions l0 = new Interactions(2, new double[] {0, 4, 0, 0}, new double[] {0, 0, 0, 3}); // AND{0}, OR{0,1}
        Interactions l1 = new Interactions(2, new double[] {0, 4, 1, 0}, new double[] {0, 0, 0, 0.5}); // AND{0}
        Interactions l2 = new Interactions(2, new double[] {0, 1, 0, 5}, new double[] {0, 0, -3, 0}); // AND{0,1}, OR{1}
        LayerwiseMetrics.CountChange c = LayerwiseMetrics.countChange(List.of(l0, l1, l2), 0.5);
        assertArrayEquals(new int[][] {{0, 1, 1}, {0, 1, 0}, {0, 1, 1}}, c.salient());
        assertArrayEquals(new int[][] {{0, 1, 1}, {0, 0, 0}, {0, 1, 1}}, c.newInteractions());
        assertArrayEquals(new int[][] {{0, 0, 0}, {0, 0, 1}, {0, 1, 0}}, c.forgotten());
    }

    @Test void noiseStabilityByHand() {
        List<Interactions> draws = List.of(
                new Interactions(1, new double[] {0, 1}, new double[] {1, -1}),
                new Interactions(1, new double[] {0, 2}, new double[] {1, -1}),
                new Interactions(1, new double[] {0, 3}, new double[] {1, -4}));
        // AND{0}: mean 2, std 1; OR{0}: mean −2, std √3; the order-0 terms never vary
        double[] s = LayerwiseMetrics.noiseStabilityByOrder(draws);
        assertTrue(Double.isNaN(s[0]));
        assertEquals(0.5 * (2 + 2 / Math.sqrt(3)), s[1], 1e-12);
        boolean[] onlyOr = {false, false, false, true};
        assertEquals(2 / Math.sqrt(3), LayerwiseMetrics.noiseStabilityByOrder(draws, onlyOr)[1], 1e-12);
    }

    @Test void salienceAndSparsityByHand() {
        Interactions x = new Interactions(1, new double[] {1, -0.04}, new double[] {0.05, -0.5});
        assertEquals(0.05, SalientInteractions.threshold(x, 0.05), 1e-15);
        // strictly above τ = 0.05: 1 and −0.5
        assertArrayEquals(new boolean[] {true, false, false, true}, SalientInteractions.salient(x));
        assertEquals(0.5, SalientInteractions.sparsity(x), 0);
        assertEquals(1, SalientInteractions.sparsity(x, 0.01), 0);
        assertArrayEquals(new int[] {1, 1}, SalientInteractions.countByOrder(x, 0.05));
    }
}
