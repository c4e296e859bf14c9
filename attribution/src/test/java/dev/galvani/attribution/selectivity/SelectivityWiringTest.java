package dev.galvani.attribution.selectivity;

import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Rng;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.nn.HookPoint;
import dev.galvani.engine.nn.Module;
import dev.galvani.models.train.Dataset;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class SelectivityWiringTest {
    /**
     * Three units (node "units" = the input), logits = units + (0, 0, 0.1). An image of class c is
     * the one-hot e_c, so it is classified correctly; with unit c zeroed its logits are (0, 0, 0.1)
     * and it becomes class 2. So zeroing unit 0 costs every class-0 image and nothing else.
     */
    static final class Net extends Module {
        final Module units = add("units", new HookPoint());
        final Tensor bias = param("bias", Tensor.of(new float[] {0, 0, 0.1f}, 1, 3));

        @Override
        protected Tensor forward(Tensor x) {
            return units.call(x).add(bias);
        }
    }

    /** {@code perClass} one-hot images of each of three classes. */
    static Dataset.Batch oneHots(int perClass) {
        int n = 3 * perClass;
        float[] x = new float[n * 3];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 3;
            x[i * 3 + y[i]] = 1;
        }
        return new Dataset.Batch(new Tensor(x, n, 3), y);
    }

    @Test void groupDeficitsOverallAndOnThePreferredClassByHand() {
        Dataset.Batch eval = oneHots(400);      // 1,200 images: more than one evaluation batch
        Net net = new Net();
        ClassAccuracy base = ClassAccuracy.measure(net, "units", eval, new int[0], 3);
        assertEquals(1.0, base.overall());
        ClassAccuracy without0 = ClassAccuracy.measure(net, "units", eval, new int[] {0}, 3);
        assertEquals(2.0 / 3, without0.overall(), 1e-12);
        boolean[] class0 = {true, false, false}, class12 = {false, true, true};
        assertEquals(0.0, without0.on(class0));          // preferred-class deficit of unit 0: 1 − 0
        assertEquals(1.0, without0.on(class12));
        // zeroing unit 2 changes nothing: (0, 0, 0.1) is still class 2
        assertEquals(1.0, ClassAccuracy.measure(net, "units", eval, new int[] {2}, 3).overall());
        ClassAccuracy without01 = ClassAccuracy.measure(net, "units", eval, new int[] {0, 1}, 3);
        assertEquals(1.0 / 3, without01.overall(), 1e-12);
        assertArrayEquals(new long[] {400, 400, 400}, without01.count());
        assertArrayEquals(new long[] {0, 0, 400}, without01.correct());
        assertTrue(Double.isNaN(without01.on(new boolean[3])));
    }

    static SelectivityStudy.Group group(double si, double a, double deficit, double pref) {
        return new SelectivityStudy.Group(0, 0, new int[] {0}, si, a, deficit, pref);
    }

    @Test void regressionsIsolateTheTermThatCarriesTheDeficit() {
        // 25 groups on a 5 x 5 grid of (SI, A), standardised by the regression; deficits built from
        // one term each, plus small seeded noise.
        Rng rng = new Rng(2);
        List<SelectivityStudy.Group> onlyA = new ArrayList<>(), onlyInteraction = new ArrayList<>();
        double[] levels = {-2, -1, 0, 1, 2};              // already mean 0, sd √2
        for (double s : levels) {
            for (double a : levels) {
                double zs = s / Math.sqrt(2), za = a / Math.sqrt(2), e = 0.001 * rng.gaussian();
                onlyA.add(group(0.5 + 0.1 * s, 3 + a, 0.02 + 0.01 * za + e, 0));
                onlyInteraction.add(group(0.5 + 0.1 * s, 3 + a, 0.02 + 0.01 * zs * za + e, 0.05 * zs + e));
            }
        }
        DeficitRegressions ra = DeficitRegressions.fit(onlyA, SelectivityStudy.Group::deficit);
        assertEquals("A", ra.carriers());
        assertEquals(0.01, ra.aOnly().coefficients()[1], 5e-4, "A's slope on the standardised scale");
        assertTrue(ra.aOnly().r2() > 0.95 && ra.siOnly().r2() < 0.05);
        assertTrue(ra.interaction().p() > 0.05);
        double[] c = ra.interactionCoefficient();
        assertTrue(c[1] < 0 && c[2] > 0, "the interaction's CI holds 0");

        DeficitRegressions ri = DeficitRegressions.fit(onlyInteraction, SelectivityStudy.Group::deficit);
        assertEquals("SI:A", ri.carriers());
        assertEquals(0.01, ri.interactionCoefficient()[0], 5e-4);
        assertTrue(ri.interaction().p() < 1e-6);
        assertEquals(1, ri.interaction().df1());
        assertEquals(25 - 4, ri.interaction().df2());
        assertEquals("~ SI + A", "~ " + ri.interaction().reduced());

        DeficitRegressions rp = DeficitRegressions.fit(onlyInteraction, SelectivityStudy.Group::preferredDeficit);
        assertEquals("SI", rp.carriers());
        assertEquals(0.05, rp.siOnly().coefficients()[1], 5e-4);
    }

    @Test void tooFewGroupsIsAClearError() {
        List<SelectivityStudy.Group> g = List.of(group(0, 0, 0, 0), group(1, 1, 1, 1), group(2, 0, 1, 0), group(0, 2, 0, 1));
        var e = assertThrows(GalvaniException.class, () -> DeficitRegressions.fit(g, SelectivityStudy.Group::deficit));
        assertTrue(e.getMessage().contains("at least 5 groups"), e.getMessage());
    }
}
