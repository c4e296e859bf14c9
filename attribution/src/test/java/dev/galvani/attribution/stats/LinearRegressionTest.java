package dev.galvani.attribution.stats;

import dev.galvani.engine.GalvaniException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class LinearRegressionTest {
    /**
     * Student t quantiles: closed forms for ν = 1 (Cauchy, {@code tan(π(p − ½))}) and ν = 2
     * ({@code (2p − 1) / sqrt(2p(1 − p))}), and R's {@code qt()} to ten digits for the rest.
     */
    @Test void studentQuantilesMatchPublishedValues() {
        assertEquals(Math.tan(Math.PI * 0.475), LinearRegression.tQuantile(0.975, 1), 1e-6);
        assertEquals(0.95 / Math.sqrt(2 * 0.975 * 0.025), LinearRegression.tQuantile(0.975, 2), 1e-6);
        assertEquals(0.99 / Math.sqrt(2 * 0.995 * 0.005), LinearRegression.tQuantile(0.995, 2), 1e-6);
        assertEquals(3.182446305, LinearRegression.tQuantile(0.975, 3), 1e-6);
        assertEquals(2.570581837, LinearRegression.tQuantile(0.975, 5), 1e-6);
        assertEquals(2.228138852, LinearRegression.tQuantile(0.975, 10), 1e-6);
        assertEquals(3.169272667, LinearRegression.tQuantile(0.995, 10), 1e-6);
        assertEquals(2.042272456, LinearRegression.tQuantile(0.975, 30), 1e-6);
        assertEquals(1.959963985, LinearRegression.tQuantile(0.975, 1e9), 1e-6);
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
        double t = LinearRegression.tQuantile(0.975, 3);
        assertEquals(0.6 - t * Math.sqrt(0.08), f.ciLow()[1], 1e-12);
    }

    /** Student t's CDF with 3 degrees of freedom in closed form: ½ + (1/π)(u/(1+u²) + atan u), u = t/√3. */
    static double t3Cdf(double t) {
        double u = t / Math.sqrt(3);
        return 0.5 + (u / (1 + u * u) + Math.atan(u)) / Math.PI;
    }

    @Test void nestedFTestByHand() {
        // Same data: the intercept-only model has SSE = SST = 6 on 4 df, y ~ x has SSE 2.4 on 3 df.
        // F = ((6 − 2.4)/1) / (2.4/3) = 4.5 on (1, 3) df, which is the slope's t² (0.6/0.28284)²;
        // so p = P(|t₃| ≥ √4.5) = 2 (1 − T₃(√4.5)), the slope's two-sided t-test p-value.
        double[][] x = {{1}, {2}, {3}, {4}, {5}};
        double[] y = {2, 4, 5, 4, 5};
        LinearRegression.Fit none = LinearRegression.fit(new double[5][0], y);
        LinearRegression.Fit slope = LinearRegression.fit(x, y, "x");
        assertEquals(6, none.sse(), 1e-12);
        assertEquals(4, none.residualDf());
        assertEquals(2.4, slope.sse(), 1e-12);
        LinearRegression.NestedTest t = LinearRegression.nestedF(none, slope);
        assertEquals(4.5, t.f(), 1e-12);
        assertEquals(1, t.df1());
        assertEquals(3, t.df2());
        double p = 2 * (1 - t3Cdf(Math.sqrt(4.5)));
        assertEquals(p, t.p(), 1e-9);
        assertEquals(p, slope.pValues()[1], 1e-9);
        assertEquals("1", t.reduced());
        assertEquals("x", t.full());
        var e = assertThrows(GalvaniException.class, () -> LinearRegression.nestedF(slope, none));
        assertTrue(e.getMessage().contains("is not nested in"), e.getMessage());
    }

    @Test void anInteractionThatIsNotThereIsNotSignificant() {
        // y = 1 + 2a − b + noise with no a·b term: the F-test of a + b against a + b + a:b must not
        // reject at 5% for this seed, while y with a real a·b term (coefficient 3) gives p < 1e-6.
        dev.galvani.engine.Rng r = new dev.galvani.engine.Rng(11);
        int n = 40;
        double[][] add = new double[n][], inter = new double[n][];
        double[] y0 = new double[n], y1 = new double[n];
        for (int i = 0; i < n; i++) {
            double a = r.gaussian(), b = r.gaussian(), e = 0.5 * r.gaussian();
            add[i] = new double[] {a, b};
            inter[i] = new double[] {a, b, a * b};
            y0[i] = 1 + 2 * a - b + e;
            y1[i] = y0[i] + 3 * a * b;
        }
        var p0 = LinearRegression.nestedF(LinearRegression.fit(add, y0, "a", "b"), LinearRegression.fit(inter, y0, "a", "b", "a:b")).p();
        var p1 = LinearRegression.nestedF(LinearRegression.fit(add, y1, "a", "b"), LinearRegression.fit(inter, y1, "a", "b", "a:b")).p();
        assertTrue(p0 > 0.05, "p without an interaction " + p0);
        assertTrue(p1 < 1e-6, "p with an interaction " + p1);
        // one added term: F equals the added coefficient's t², so the two p-values agree
        var full = LinearRegression.fit(inter, y0, "a", "b", "a:b");
        assertEquals(full.pValues()[3], p0, 1e-9);
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

    /** Wikipedia's worked example ("Spearman's rank correlation coefficient": IQ against hours of TV), rho = −29/165. */
    @Test void spearmanMatchesThePublishedExample() {
        double[] iq = {106, 100, 86, 101, 99, 103, 97, 113, 112, 110}, tv = {7, 27, 2, 50, 28, 29, 20, 12, 6, 17};
        assertEquals(-29.0 / 165, Ranking.spearman(iq, tv), 1e-12);
    }

    /** Ties take their average rank (scipy.stats.spearmanr gives 0.8510794409931051 here). */
    @Test void spearmanWithTies() {
        double[] a = {1, 2, 2, 3, 4, 4, 4, 5}, b = {2, 1, 3, 3, 5, 4, 6, 5};
        assertEquals(0.8510794409931051, Ranking.spearman(a, b), 1e-12);
        assertTrue(Double.isNaN(Ranking.spearman(new double[] {1, 1, 1}, new double[] {1, 2, 3})), "a constant side ranks nothing");
    }
}
