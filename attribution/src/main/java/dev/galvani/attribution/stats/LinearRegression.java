package dev.galvani.attribution.stats;

import dev.galvani.engine.GalvaniException;
import org.apache.commons.math3.distribution.FDistribution;
import org.apache.commons.math3.distribution.TDistribution;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.linsol.LinearSolverDense;

import java.util.ArrayList;
import java.util.List;

/**
 * Ordinary least squares with an intercept, solved by QR (EJML), with standard errors, 95%
 * confidence intervals and two-sided p-values (Student t), R² and adjusted R², and the F-test
 * between nested models (distributions from Commons Math): the regressions of Hayne et al. (2022), docs/methods.md §2.4 (formulas in §5.2).
 */
public final class LinearRegression {
    private LinearRegression() {}

    /**
     * One fitted model. {@code names} starts with "intercept"; {@code pValues} are the two-sided
     * t-test p-values of each coefficient; {@code sse} is the residual sum of squares on
     * {@code residualDf = n − coefficients} degrees of freedom.
     */
    public record Fit(List<String> names, double[] coefficients, double[] standardErrors, double[] ciLow, double[] ciHigh,
                      double[] pValues, double r2, double adjustedR2, int n, double sse, int residualDf) {
        /** The formula's right-hand side, e.g. "SI + A + SI:A" ("1" for the intercept alone). */
        public String formula() {
            return names.size() == 1 ? "1" : String.join(" + ", names.subList(1, names.size()));
        }

        /** Index of the named term; an unknown name is an error. */
        public int term(String name) {
            int i = names.indexOf(name);
            if (i < 0) throw new GalvaniException("the model " + formula() + " has no term '" + name + "'");
            return i;
        }
    }

    /**
     * The F-test of a reduced model against a full model that nests it:
     * {@code F = ((SSE_r − SSE_f) / (df_r − df_f)) / (SSE_f / df_f)} on {@code (df_r − df_f, df_f)}
     * degrees of freedom, {@code p = P(F' ≥ F)}.
     */
    public record NestedTest(String reduced, String full, double f, int df1, int df2, double p) {}

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
        TDistribution tDist = new TDistribution(null, n - p);
        double[] coef = new double[p], se = new double[p], lo = new double[p], hi = new double[p], pv = new double[p];
        for (int j = 0; j < p; j++) {
            coef[j] = beta.get(j, 0);
            se[j] = Math.sqrt(sigma2 * ata.get(j, j));
            lo[j] = coef[j] - t * se[j];
            hi[j] = coef[j] + t * se[j];
            pv[j] = se[j] == 0 ? (coef[j] == 0 ? 1 : 0) : 2 * tDist.cumulativeProbability(-Math.abs(coef[j] / se[j]));
        }
        double r2 = sst == 0 ? Double.NaN : 1 - sse / sst;
        double adj = 1 - (1 - r2) * (n - 1) / (n - p);
        List<String> all = new ArrayList<>();
        all.add("intercept");
        all.addAll(List.of(names));
        return new Fit(all, coef, se, lo, hi, pv, r2, adj, n, sse, n - p);
    }

    /** F-test of {@code reduced} against {@code full}, fitted to the same observations. */
    public static NestedTest nestedF(Fit reduced, Fit full) {
        if (reduced.n() != full.n() || !full.names().containsAll(reduced.names()) || full.residualDf() >= reduced.residualDf()) {
            throw new GalvaniException("F-test: " + reduced.formula() + " is not nested in " + full.formula() + " on the same observations");
        }
        int df1 = reduced.residualDf() - full.residualDf(), df2 = full.residualDf();
        double f = ((reduced.sse() - full.sse()) / df1) / (full.sse() / df2);
        double p = full.sse() == 0 ? 0 : 1 - new FDistribution(null, df1, df2).cumulativeProbability(Math.max(0, f));
        return new NestedTest(reduced.formula(), full.formula(), f, df1, df2, p);
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
