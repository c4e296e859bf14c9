package dev.galvani.attribution.studies;

import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Rng;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.nn.HookPoint;
import dev.galvani.engine.nn.Module;
import dev.galvani.models.train.Dataset;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class FeatureSelectionStudyTest {
    /** Rows of features [N, d] with labels. */
    record Table(float[] x, int[] y, int d, int classes) implements Dataset {
        @Override public int size() { return y.length; }
        @Override public int classes() { return classes; }
        @Override public int[] labels() { return y.clone(); }
        @Override public Batch batch(int[] idx) {
            float[] b = new float[idx.length * d];
            int[] l = new int[idx.length];
            for (int i = 0; i < idx.length; i++) {
                System.arraycopy(x, idx[i] * d, b, i * d, d);
                l[i] = y[idx[i]];
            }
            return new Batch(new Tensor(b, idx.length, d), l);
        }
    }

    /**
     * Eight units (node "units" = the input); class 1's logit is u₀ + u₁ + u₂, class 0's is 0.
     * Units 0-2 carry the class (+1 for class 1, −1 for class 0, noise 0.3); units 3-7 are
     * large (10) and carry nothing. Scored on class-1 images for their class-1 logit: conductance
     * and gradient × activation are u_i for i < 3 and 0 otherwise, internal influence 1 and 0,
     * so each puts units 0-2 first; activation puts the five large, uninformative units first.
     */
    static final class Net extends Module {
        final Module units = add("units", new HookPoint());
        final Tensor w;

        Net() {
            float[] v = new float[16];
            for (int u = 0; u < 3; u++) v[u * 2 + 1] = 1;
            w = param("w", Tensor.of(v, 8, 2));
        }

        @Override
        protected Tensor forward(Tensor x) {
            return units.call(x).matmul(w);
        }
    }

    static Table data(int n, long seed) {
        Rng r = new Rng(seed);
        float[] x = new float[n * 8];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 2;
            for (int u = 0; u < 8; u++) x[i * 8 + u] = (float) (u < 3 ? (y[i] == 1 ? 1 : -1) + 0.3 * r.gaussian() : 10 + r.gaussian());
        }
        return new Table(x, y, 8, 2);
    }

    @Test void attributionRankedFiltersBeatActivationRankedOnesAtK5() {
        Table train = data(200, 1), test = data(200, 2);
        List<FeatureSelectionStudy.Task> tasks = List.of(new FeatureSelectionStudy.Task("class 1 vs 0", new boolean[] {false, true}, true));
        var cfg = new FeatureSelectionStudy.Config(List.of("units"), new int[] {5, 20}, 100, 8, 2, 0);
        var r = FeatureSelectionStudy.run(new Net(), train, test, tasks, cfg);
        int act = FeatureSelectionStudy.METHODS.indexOf("Activations");
        for (int s = 0; s < 2; s++) {
            for (int n = 0; n < 2; n++) {
                for (int m = 0; m < FeatureSelectionStudy.METHODS.size(); m++) {
                    double a = r.accuracy()[0][0][s][n][m][0];     // k = 5 of 8 units
                    if (m == act) assertTrue(a < 75, "activation-ranked top 5 hold no class signal: " + a);
                    else assertTrue(a > 97, FeatureSelectionStudy.METHODS.get(m) + " puts units 0-2 first: " + a);
                }
                // k = 10, 15, 20 take all 8 units, so every method scores the same
                for (int k = 1; k < 4; k++) {
                    double first = r.accuracy()[0][0][s][n][0][k];
                    for (int m = 1; m < 4; m++) assertEquals(first, r.accuracy()[0][0][s][n][m][k], 1e-9);
                }
            }
        }
    }

    @Test void tasksAreNaturalGroupsThenBalancedRandomHalves() {
        var t = FeatureSelectionStudy.tasks(List.of(new FeatureSelectionStudy.Group("footwear", new int[] {5, 7, 9})), 10, 3, 4);
        assertEquals(4, t.size());
        assertTrue(t.get(0).natural());
        boolean[] shoes = new boolean[10];
        shoes[5] = shoes[7] = shoes[9] = true;
        assertArrayEquals(shoes, t.get(0).positive());
        Set<String> halves = new HashSet<>();
        for (int i = 1; i < 4; i++) {
            assertFalse(t.get(i).natural());
            int pos = 0;
            for (boolean b : t.get(i).positive()) if (b) pos++;
            assertEquals(5, pos, "a random half holds exactly half the classes");
            halves.add(Arrays.toString(t.get(i).positive()));
        }
        assertEquals(3, halves.size(), "the random halves differ");
        var again = FeatureSelectionStudy.tasks(List.of(new FeatureSelectionStudy.Group("footwear", new int[] {5, 7, 9})), 10, 3, 4);
        for (int i = 0; i < 4; i++) assertArrayEquals(t.get(i).positive(), again.get(i).positive(), "seeded");
        var e = assertThrows(GalvaniException.class, () -> FeatureSelectionStudy.tasks(List.of(new FeatureSelectionStudy.Group("x", new int[] {10})), 10, 0, 0));
        assertTrue(e.getMessage().contains("class 10 is outside 0..9"), e.getMessage());
        e = assertThrows(GalvaniException.class, () -> FeatureSelectionStudy.tasks(List.of(new FeatureSelectionStudy.Group("all", new int[] {0, 1})), 2, 0, 0));
        assertTrue(e.getMessage().contains("some but not all"), e.getMessage());
    }

    @Test void balancedDisjointSeededPicks() {
        Table d = data(60, 3);     // labels alternate 0, 1
        boolean[] positive = {false, true};
        Rng rng = new Rng(5);
        int[] pos = FeatureSelectionStudy.pick(d, positive, true, 20, rng), neg = FeatureSelectionStudy.pick(d, positive, false, 20, rng);
        assertEquals(20, pos.length);
        assertEquals(20, neg.length);
        for (int i : pos) assertEquals(1, d.y()[i]);
        for (int i : neg) assertEquals(0, d.y()[i]);
        assertEquals(20, Arrays.stream(pos).distinct().count());
        assertEquals(30, FeatureSelectionStudy.pick(d, positive, true, 99, new Rng(5)).length, "at most the pool");
        assertArrayEquals(pos, FeatureSelectionStudy.pick(d, positive, true, 20, new Rng(5)), "seeded");
        assertArrayEquals(new int[] {1, 1, 0}, FeatureSelectionStudy.labels(2, 1));
    }

    @Test void summaryAveragesTasksOfAKindThenSeeds() {
        // Two natural tasks and one random task, two seeds, one n, the four methods; only k = 5 set.
        List<FeatureSelectionStudy.Task> tasks = List.of(new FeatureSelectionStudy.Task("a", new boolean[] {true, false}, true),
                new FeatureSelectionStudy.Task("b", new boolean[] {true, false}, true), new FeatureSelectionStudy.Task("r", new boolean[] {false, true}, false));
        double[][][][][][] acc = new double[1][3][2][1][4][4];
        double[][] natural = {{60, 70, 80, 90}, {70, 80, 90, 100}};   // per seed: mean of tasks a and b, per method
        for (int s = 0; s < 2; s++) for (int m = 0; m < 4; m++) {
            acc[0][0][s][0][m][0] = natural[s][m] - 5;
            acc[0][1][s][0][m][0] = natural[s][m] + 5;
            acc[0][2][s][0][m][0] = 50 + m + s;
        }
        var r = new FeatureSelectionStudy.Result(new FeatureSelectionStudy.Config(List.of("l"), new int[] {5}, 10, 1, 2, 0), tasks, acc);
        double[][][] nat = r.summary(0, 0, true);
        assertEquals(65, nat[0][0][0], 1e-12);
        assertEquals(Math.sqrt(50), nat[0][0][1], 1e-12);      // seeds 60 and 70: sd (n − 1) = √50
        assertEquals(95, nat[3][0][0], 1e-12);
        assertEquals(50.5 + 3, r.summary(0, 0, false)[3][0][0], 1e-12);
        // conductance (method 3) minus the best other (method 2): 10 in both seeds
        double[][] margin = r.conductanceMargin(0, 0, true);
        assertEquals(10, margin[0][0], 1e-12);
        assertEquals(0, margin[0][1], 1e-12);
        assertEquals(1, r.conductanceMargin(0, 0, false)[0][0], 1e-12);
        // The other method is chosen by its mean over seeds, then compared seed by seed: activations
        // 80 and 60, gradient × activation 60 and 80 (both mean 70, the first wins), conductance 75
        // and 75: margins −5 and +15, mean 5, sd √200 (not −5 ± 0 against each seed's best).
        double[][][][][][] two = new double[1][1][2][1][4][4];
        two[0][0][0][0][0][0] = 80;
        two[0][0][1][0][0][0] = 60;
        two[0][0][0][0][1][0] = 60;
        two[0][0][1][0][1][0] = 80;
        two[0][0][0][0][3][0] = two[0][0][1][0][3][0] = 75;
        var r2 = new FeatureSelectionStudy.Result(new FeatureSelectionStudy.Config(List.of("l"), new int[] {5}, 10, 1, 2, 0), tasks.subList(0, 1), two);
        assertArrayEquals(new double[] {5, Math.sqrt(200)}, r2.conductanceMargin(0, 0, true)[0], 1e-12);
    }

    @Test void badConfigurationsAreClearErrors() {
        var e = assertThrows(GalvaniException.class, () -> new FeatureSelectionStudy.Config(List.of("l"), new int[] {10, 5}, 10, 1, 1, 0));
        assertTrue(e.getMessage().contains("ascending"), e.getMessage());
        e = assertThrows(GalvaniException.class, () -> new FeatureSelectionStudy.Config(List.of("l"), new int[] {5}, 10, 1, 0, 0));
        assertTrue(e.getMessage().contains("at least 1"), e.getMessage());
    }
}
