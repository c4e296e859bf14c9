package dev.galvani.attribution.stats;

import dev.galvani.engine.GalvaniException;
import org.apache.commons.math3.distribution.TDistribution;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.linsol.LinearSolverDense;

import java.util.ArrayList;
import java.util.List;

/**
 * Ordinary least squares with an intercept, solved by QR (EJML), with standard errors, 95%
 * confidence intervals (Student t), R² and adjusted R² — the regression of docs/methods.md §2.4 (formulas in §5.2).
 */
public final class LinearRegression {
    private LinearRegression() {}

    public record Fit(List<String> names, double[] coefficients, double[] standardErrors, double[] ciLow, double[] ciHigh,
                      double r2, double adjustedR2, int n) {}

    /** {@code y ~ 1 + X}; {@code x[i]} is observation i's predictors, named by {@code names}. */
    public static Fit fit(double[][] x, double[] y, String... names) {
        int n = y.length, p = names.length + 1;
        if (n <= p) throw new GalvaniException("regression needs more observations (" + n + ") than coefficients (" + p + ")");
        DMatrixRMaj a = new DMatrixRMaj(n, p), b = new DMatrixRMaj(n, 1), beta = new DMatrixRMaj(p, 1);
        for (int i = 0; i < n; i++) {
            a.set(i, 0, 1);
            for (int j = 1; j < p; j++) a.set(i, j, x[i][j - 1]);
            b.set(i, 0, y[i]);
        }
        LinearSolverDense<DMatrixRMaj> solver = LinearSolverFactory_DDRM.leastSquares(n, p);
        if (!solver.setA(a.copy())) throw new GalvaniException("regression: the predictors are collinear");
        solver.solve(b, beta);
        double mean = 0;
        for (double v : y) mean += v / n;
        double sse = 0, sst = 0;
        for (int i = 0; i < n; i++) {
            double fit = 0;
            for (int j = 0; j < p; j++) fit += a.get(i, j) * beta.get(j, 0);
            sse += (y[i] - fit) * (y[i] - fit);
            sst += (y[i] - mean) * (y[i] - mean);
        }
        DMatrixRMaj ata = new DMatrixRMaj(p, p);
        CommonOps_DDRM.multTransA(a, a, ata);
        if (!CommonOps_DDRM.invert(ata)) throw new GalvaniException("regression: X'X is singular");
        double sigma2 = sse / (n - p), t = tQuantile(0.975, n - p);
        double[] coef = new double[p], se = new double[p], lo = new double[p], hi = new double[p];
        for (int j = 0; j < p; j++) {
            coef[j] = beta.get(j, 0);
            se[j] = Math.sqrt(sigma2 * ata.get(j, j));
            lo[j] = coef[j] - t * se[j];
            hi[j] = coef[j] + t * se[j];
        }
        double r2 = sst == 0 ? Double.NaN : 1 - sse / sst;
        double adj = 1 - (1 - r2) * (n - 1) / (n - p);
        List<String> all = new ArrayList<>();
        all.add("intercept");
        all.addAll(List.of(names));
        return new Fit(all, coef, se, lo, hi, r2, adj, n);
    }

    /** The {@code p} quantile of Student's t distribution with {@code nu} degrees of freedom (Commons Math). */
    public static double tQuantile(double p, double nu) {
        return new TDistribution(null, nu).inverseCumulativeProbability(p);
    }

    /** Standardises a column to mean 0, standard deviation 1 (population). */
    public static double[] standardise(double[] v) {
        double m = 0, s = 0;
        for (double x : v) m += x / v.length;
        for (double x : v) s += (x - m) * (x - m) / v.length;
        double sd = Math.sqrt(s);
        double[] o = new double[v.length];
        for (int i = 0; i < v.length; i++) o[i] = sd == 0 ? 0 : (v[i] - m) / sd;
        return o;
    }
}
