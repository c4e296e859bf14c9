package dev.galvani.attribution.selectivity;

import dev.galvani.engine.GalvaniException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class UnitStatisticsTest {
    @Test void selectivityIndexByHand() {
        // 2 units, 3 classes. Unit 0 fires only for class 1 (means 0, 3, 0): SI = (3 − 0)/(3 + 0) = 1.
        // Unit 1 has means 1, 2, 3: μmax 3, μ−max 1.5, SI = 1.5 / 4.5 = 1/3.
        UnitStatistics s = new UnitStatistics(2, 3);
        s.add(new float[] {0, 1, 3, 2, 0, 3, 0, 1, 3, 2, 0, 3}, new int[] {0, 1, 2, 0, 1, 2});
        double[] si = s.selectivity("layer", false);
        assertEquals(1.0, si[0], 1e-6);
        assertEquals(1.0 / 3, si[1], 1e-6);
        assertArrayEquals(new int[] {1, 2}, s.preferredClass());
        assertArrayEquals(new double[] {1.0, 2.0}, s.meanActivity(), 1e-12);
    }

    @Test void badLayersAndClassesAreClearErrors() {
        UnitStatistics neg = new UnitStatistics(1, 2);
        neg.add(new float[] {-1, 2}, new int[] {0, 1});
        var e = assertThrows(GalvaniException.class, () -> neg.selectivity("fc.pre", false));
        assertTrue(e.getMessage().contains("'fc.pre' has negative mean activations"), e.getMessage());
        // with the documented shift the smallest class mean becomes 0: means 0 and 3, SI = 1
        assertEquals(1.0, neg.selectivity("fc.pre", true)[0], 1e-6);
        UnitStatistics empty = new UnitStatistics(1, 3);
        empty.add(new float[] {1, 2}, new int[] {0, 1});
        e = assertThrows(GalvaniException.class, () -> empty.selectivity("x", false));
        assertTrue(e.getMessage().contains("class 2 has no examples"), e.getMessage());
    }

    @Test void quantileBinsAreBalanced() {
        int[] b = SelectivityStudy.quantileBins(new double[] {0.9, 0.1, 0.5, 0.3, 0.7, 0.2, 0.8, 0.4, 0.6, 0.0}, 5);
        int[] count = new int[5];
        for (int v : b) count[v]++;
        assertArrayEquals(new int[] {2, 2, 2, 2, 2}, count);
        assertEquals(4, b[0]);
        assertEquals(0, b[9]);
    }
}
