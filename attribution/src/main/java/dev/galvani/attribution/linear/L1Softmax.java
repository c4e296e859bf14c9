package dev.galvani.attribution.linear;

import dev.galvani.engine.GalvaniException;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * The exact minimiser of {@code (1/n) Σ_i CE(softmax(W x_i + b), y_i) + λ Σ_{c,j} |W_cj|} (the
 * bias is not penalised) by FISTA (Beck and Teboulle, "A fast iterative shrinkage-thresholding
 * algorithm for linear inverse problems", 2009) with gradient-based adaptive restart (O'Donoghue
 * and Candès, "Adaptive restart for accelerated gradient schemes", 2015).
 *
 * <p>Step size {@code 1/L} by backtracking, never beyond {@code L = ½ λ_max(X̃ᵀX̃ / n)} (X̃ the
 * features with a column of ones): Böhning's bound (the softmax cross-entropy's Hessian in the
 * logits is at most ½ I) makes that a Lipschitz constant of the gradient, but near a confident
 * optimum the curvature is far smaller, so shorter L (longer steps) are tried first. The iteration stops
 * when the gradient mapping {@code L (y − prox(y − ∇f(y)/L))}, which vanishes exactly at the
 * optimum, is below {@code tolerance} in every coordinate.
 */
final class L1Softmax {
    private L1Softmax() {}

    /** What the solver did: iterations taken and the final gradient mapping's largest entry. */
    record Outcome(int iterations, double gradientMapping, boolean converged) {}

    /**
     * @param x   standardised features [n, d] row-major
     * @param w   [k, d], updated in place (the starting point)
     * @param b   [k], updated in place
     */
    static Outcome solve(double[] x, int[] y, int n, int d, int k, double lambda, double[] w, double[] b,
                         int maxIterations, double tolerance) {
        double bound = 0.5 * largestEigenvalue(DMatrixRMaj.wrap(n, d, x), n, d);
        int p = k * d;
        double[] cur = new double[p + k], prev = new double[p + k], ext = new double[p + k], grad = new double[p + k];
        System.arraycopy(w, 0, cur, 0, p);
        System.arraycopy(b, 0, cur, p, k);
        System.arraycopy(cur, 0, ext, 0, cur.length);
        double t = 1, mapping = Double.POSITIVE_INFINITY, lip = bound;
        int it = 0;
        while (it < maxIterations) {
            it++;
            double fy = gradient(x, y, n, d, k, ext, grad);
            System.arraycopy(cur, 0, prev, 0, cur.length);
            // Backtracking (Beck and Teboulle §4; allowed to shrink again, as in Scheinberg, Goldfarb
            // and Bai 2014): try a smaller L first, double it until the quadratic model bounds f
            // at the new point; Böhning's bound always passes, so the search is capped there.
            lip = Math.max(lip * 0.8, bound * 1e-6);
            while (true) {
                prox(ext, grad, 1 / lip, lambda, p, cur);
                if (lip >= bound) break;
                double lin = 0, sq = 0;
                for (int j = 0; j < cur.length; j++) {
                    double dj = cur[j] - ext[j];
                    lin += grad[j] * dj;
                    sq += dj * dj;
                }
                if (loss(x, y, n, d, k, cur) <= fy + lin + 0.5 * lip * sq + 1e-12 * Math.abs(fy)) break;
                lip = Math.min(bound, lip * 2);
            }
            mapping = 0;
            double restart = 0;
            for (int j = 0; j < cur.length; j++) {
                mapping = Math.max(mapping, Math.abs(ext[j] - cur[j]) * lip);
                restart += (ext[j] - cur[j]) * (cur[j] - prev[j]);
            }
            if (mapping < tolerance) break;
            if (restart > 0) {                               // momentum points uphill: restart
                t = 1;
                System.arraycopy(cur, 0, ext, 0, cur.length);
                continue;
            }
            double tNext = (1 + Math.sqrt(1 + 4 * t * t)) / 2, beta = (t - 1) / tNext;
            for (int j = 0; j < cur.length; j++) ext[j] = cur[j] + beta * (cur[j] - prev[j]);
            t = tNext;
        }
        System.arraycopy(cur, 0, w, 0, p);
        System.arraycopy(cur, p, b, 0, k);
        return new Outcome(it, mapping, mapping < tolerance);
    }

    /** {@code out = prox_{step·λ|W|₁}(theta − step·grad)}: soft-thresholded weights, plain step for the biases. */
    private static void prox(double[] theta, double[] grad, double step, double lambda, int p, double[] out) {
        double th = step * lambda;
        for (int j = 0; j < out.length; j++) {
            double v = theta[j] - step * grad[j];
            if (j < p) v = Math.abs(v) <= th ? 0 : v - Math.signum(v) * th;
            out[j] = v;
        }
    }

    /** The mean cross-entropy at {@code theta}. */
    static double loss(double[] x, int[] y, int n, int d, int k, double[] theta) {
        double[] z = new double[k];
        double total = 0;
        for (int i = 0; i < n; i++) {
            double mx = logits(x, i * d, d, k, theta, z), s = 0;
            for (int c = 0; c < k; c++) s += Math.exp(z[c] - mx);
            total += mx + Math.log(s) - z[y[i]];
        }
        return total / n;
    }

    /** {@code z = W x + b} for the row at {@code xi}; returns max z. Four partial sums, so the loop is not one long dependency chain. */
    private static double logits(double[] x, int xi, int d, int k, double[] theta, double[] z) {
        int p = k * d;
        double mx = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < k; c++) {
            int wc = c * d;
            double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            int j = 0;
            for (; j + 3 < d; j += 4) {
                s0 += theta[wc + j] * x[xi + j];
                s1 += theta[wc + j + 1] * x[xi + j + 1];
                s2 += theta[wc + j + 2] * x[xi + j + 2];
                s3 += theta[wc + j + 3] * x[xi + j + 3];
            }
            for (; j < d; j++) s0 += theta[wc + j] * x[xi + j];
            z[c] = s0 + s1 + s2 + s3 + theta[p + c];
            mx = Math.max(mx, z[c]);
        }
        return mx;
    }

    /**
     * ∇ of the mean cross-entropy at {@code theta = (W [k, d], b [k])}, into {@code grad}, as
     * {@code ∇W = (P − Y)ᵀ X / n} by row updates the JIT vectorises; returns the mean cross-entropy.
     */
    static double gradient(double[] x, int[] y, int n, int d, int k, double[] theta, double[] grad) {
        java.util.Arrays.fill(grad, 0);
        double[] z = new double[k];
        int p = k * d;
        double total = 0;
        for (int i = 0; i < n; i++) {
            int xi = i * d;
            double mx = logits(x, xi, d, k, theta, z), zy = z[y[i]];
            double s = 0;
            for (int c = 0; c < k; c++) {
                z[c] = Math.exp(z[c] - mx);
                s += z[c];
            }
            total += mx + Math.log(s) - zy;
            for (int c = 0; c < k; c++) {
                double e = (z[c] / s - (y[i] == c ? 1 : 0)) / n;     // (P − Y) / n
                grad[p + c] += e;
                int wc = c * d;
                for (int j = 0; j < d; j++) grad[wc + j] += e * x[xi + j];
            }
        }
        return total / n;
    }

    /** λ_max of X̃ᵀX̃ / n (X̃ = [X, 1]) from a symmetric eigendecomposition (EJML), with a 0.1% margin for rounding. */
    static double largestEigenvalue(DMatrixRMaj x, int n, int d) {
        DMatrixRMaj xt = new DMatrixRMaj(n, d + 1);
        for (int i = 0; i < n; i++) {
            System.arraycopy(x.data, i * d, xt.data, i * (d + 1), d);
            xt.data[i * (d + 1) + d] = 1;
        }
        DMatrixRMaj gram = new DMatrixRMaj(d + 1, d + 1);
        CommonOps_DDRM.multTransA(xt, xt, gram);
        CommonOps_DDRM.scale(1.0 / n, gram);
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(d + 1, false, true);
        if (!eig.decompose(gram)) throw new GalvaniException("L1 logistic regression: the features' Gram matrix has no eigendecomposition");
        double max = 0;
        for (int j = 0; j < eig.getNumberOfEigenvalues(); j++) max = Math.max(max, eig.getEigenvalue(j).getReal());
        return max * 1.001;
    }
}
