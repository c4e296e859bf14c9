package dev.galvani.attribution.ablation;

import dev.galvani.engine.Tensor;
import dev.galvani.engine.nn.HookPoint;
import dev.galvani.engine.nn.Module;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class AblationTest {
    /** logits = units · W with units = x (identity node "units"), W [3, 2]: hand-checkable. */
    static final class Net extends Module {
        final Module units = add("units", new HookPoint());
        final Tensor w = param("w", Tensor.of(new float[] {1, 0, 10, 1, 100, 2}, 3, 2));
        @Override protected Tensor forward(Tensor x) { return units.call(x).matmul(w); }
    }

    private final Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);

    @Test void zeroAblationOfSingleUnits() {
        Net net = new Net();
        // class 0 logit: x0 + 10 x1 + 100 x2 = 321 and 654
        float[][] s = new Ablation(net, "units").singleUnitScores(x, new int[] {0, 0});
        assertArrayEquals(new float[] {320, 650}, s[0]);
        assertArrayEquals(new float[] {301, 604}, s[1]);
        assertArrayEquals(new float[] {21, 54}, s[2]);
    }

    @Test void cumulativeTopK() {
        Net net = new Net();
        float[][] s = new Ablation(net, "units").maxRows(3).cumulativeScores(x, new int[] {0, 1}, new int[] {2, 0});
        assertArrayEquals(new float[] {321, 5 + 12}, s[0]);       // nothing ablated (class 1: x1 + 2 x2)
        assertArrayEquals(new float[] {21, 5}, s[1]);             // unit 2 gone
        assertArrayEquals(new float[] {20, 5}, s[2]);             // units 2 and 0 gone
    }

    @Test void meanAndPatchAblation() {
        Net net = new Net();
        // mean of unit 2 over the two inputs is 4.5: class-0 logit of example 0 becomes 1 + 20 + 450
        Tensor mean = new Ablation(net, "units").mean(x).logitsWithout(x, 2);
        assertEquals(471f, mean.get(0, 0));
        Tensor other = Tensor.of(new float[] {0, 0, 7, 0, 0, 8}, 2, 3);
        Tensor patched = new Ablation(net, "units").patchFrom(other).logitsWithout(x, 2);
        assertEquals(1 + 20 + 700f, patched.get(0, 0));
        assertEquals(4 + 50 + 800f, patched.get(1, 0));
    }

    @Test void eachExampleItsOwnUnitsAndItsOwnPatchSource() {
        Net net = new Net();
        Tensor other = Tensor.of(new float[] {9, 9, 7, 9, 0, 8}, 2, 3);
        // example 0 loses unit 2 (patched to 7), example 1 loses unit 0 (patched to 9): class-0 logits 1 + 20 + 700 and 9 + 50 + 600
        Tensor patched = new Ablation(net, "units").patchFrom(other).logitsWithout(x, new int[][] {{2}, {0}});
        assertEquals(721f, patched.get(0, 0));
        assertEquals(659f, patched.get(1, 0));
        Tensor zeroed = new Ablation(net, "units").logitsWithout(x, new int[][] {{2}, {0, 1}});
        assertEquals(21f, zeroed.get(0, 0));
        assertEquals(600f, zeroed.get(1, 0));
        // A patch source must pair every input with its own example.
        var e = assertThrows(dev.galvani.engine.GalvaniException.class, () -> new Ablation(net, "units").patchFrom(other).logitsWithout(x.rows(0, 1), 2));
        assertTrue(e.getMessage().contains("2 sources for 1 inputs"), e.getMessage());
    }

    @Test void effectsRecordEachExamplesLogitAndPredictionBeforeAndAfter() {
        Net net = new Net();
        // logits (x0 + 10 x1 + 100 x2, x1 + 2 x2): example 0 (321, 8), example 1 (654, 17); without unit 2: (21, 2) and (54, 5)
        AblationEffects e = AblationEffects.measure(new Ablation(net, "units"), net, x, AblationEffects.same(2, 2), java.util.List.of("a", "b"),
                java.util.List.of("first"));
        assertEquals(java.util.List.of("first", "class 1"), e.classNames());
        AblationEffects.Effect b = e.effects().get(1);
        assertArrayEquals(new int[] {2}, b.units());
        assertEquals(0, b.predicted());
        assertEquals(654f, b.logitBefore());
        assertEquals(54f, b.logitAfter());
        assertFalse(b.flipped());
        var j = e.json();
        assertEquals("zero", j.get("mode"));
        assertTrue(e.text().contains("b                            units [2]: logit of first 654.000 -> 54.000; prediction first -> first"), e.text());
        assertTrue(e.text().endsWith("zero ablation of units: 0 of 2 predictions changed\n"), e.text());
    }

    @Test void unknownUnitIsAClearError() {
        Net net = new Net();
        var e = assertThrows(dev.galvani.engine.GalvaniException.class, () -> new Ablation(net, "units").logitsWithout(x, 3));
        assertTrue(e.getMessage().contains("unit 3 out of range for 'units'"), e.getMessage());
        assertThrows(dev.galvani.engine.GalvaniException.class, () -> new Ablation(net, "unit"));
    }
}
