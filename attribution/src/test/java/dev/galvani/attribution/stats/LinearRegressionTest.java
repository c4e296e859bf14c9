package dev.galvani.attribution.stats;

import dev.galvani.engine.GalvaniException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class LinearRegressionTest {
    @Test void studentQuantilesMatchTables() {
        assertEquals(2.228, StudentT.quantile(0.975, 10), 2e-3);
        assertEquals(2.042, StudentT.quantile(0.975, 30), 1e-3);
        assertEquals(2.571, StudentT.quantile(0.975, 5), 1e-2);
        assertEquals(1.960, StudentT.quantile(0.975, 1e9), 1e-3);
    }

    @Test void handComputedSimpleRegression() {
        // x = 1..5, y = 2, 4, 5, 4, 5: slope 0.6, intercept 2.2, SSE 2.4, R² 0.6 (by hand:
        // Sxx = 10, Sxy = 6, SST = 6); se(slope) = sqrt((2.4/3)/10) = 0.28284.
        double[][] x = {{1}, {2}, {3}, {4}, {5}};
        LinearRegression.Fit f = LinearRegression.fit(x, new double[] {2, 4, 5, 4, 5}, "x");
        assertEquals(2.2, f.coefficients()[0], 1e-12);
        assertEquals(0.6, f.coefficients()[1], 1e-12);
        assertEquals(0.6, f.r2(), 1e-12);
        assertEquals(1 - 0.4 * 4 / 3, f.adjustedR2(), 1e-12);
        assertEquals(Math.sqrt(0.8 / 10), f.standardErrors()[1], 1e-12);
        double t = StudentT.quantile(0.975, 3);
        assertEquals(0.6 - t * Math.sqrt(0.08), f.ciLow()[1], 1e-12);
    }

    @Test void recoversAnExactInteractionModel() {
        double[][] x = new double[20][];
        double[] y = new double[20];
        for (int i = 0; i < 20; i++) {
            double a = i % 5, b = i / 5.0;
            x[i] = new double[] {a, b, a * b};
            y[i] = 1 + 2 * a - 3 * b + 0.5 * a * b;
        }
        LinearRegression.Fit f = LinearRegression.fit(x, y, "SI", "A", "SI:A");
        assertArrayEquals(new double[] {1, 2, -3, 0.5}, f.coefficients(), 1e-9);
        assertEquals(1.0, f.r2(), 1e-12);
    }

    @Test void tooFewObservationsIsAClearError() {
        var e = assertThrows(GalvaniException.class, () -> LinearRegression.fit(new double[][] {{1}, {2}}, new double[] {1, 2}, "x"));
        assertTrue(e.getMessage().contains("more observations"), e.getMessage());
    }

    @Test void ranks() {
        assertEquals(1.0, Ranking.spearman(new double[] {1, 2, 3, 4}, new double[] {10, 20, 30, 40}), 1e-12);
        assertEquals(-1.0, Ranking.spearman(new double[] {1, 2, 3, 4}, new double[] {4, 3, 2, 1}), 1e-12);
        assertEquals(1.0 / 3, Ranking.topKJaccard(new double[] {5, 4, 0, 0}, new double[] {5, 0, 4, 0}, 2), 1e-12);
    }
}
